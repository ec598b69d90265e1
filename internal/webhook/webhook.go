// Package webhook sends notification events to endpoints that admins register, signed
// per the Standard Webhooks specification (https://www.standardwebhooks.com): headers
// webhook-id, webhook-timestamp and webhook-signature "v1,<base64 HMAC-SHA256>" over
// "{id}.{timestamp}.{body}", keyed with the base64 part of a whsec_ secret.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/outbound"
)

// SecretPrefix starts every signing secret.
const SecretPrefix = "whsec_"

// NewSecret returns a fresh signing secret: whsec_ and 32 random bytes in base64.
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// Sign returns the webhook-signature value for a message.
func Sign(secret, id string, ts time.Time, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil {
		return "", fmt.Errorf("webhook secret is not whsec_ and base64: %w", err)
	}
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%d.", id, ts.Unix())
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// CheckURL refuses an endpoint the outbound policy refuses (not http(s), a port not
// allowed, user-info, an inside address) or that points at this process's admin
// listener (metrics and profiling must stay inside the pod), as EINVALID about url.
func CheckURL(raw, adminAddr string, policy outbound.Policy) error {
	switch err := policy.CheckURL(raw); {
	case err == nil:
	case errors.Is(err, outbound.ErrUserInfo):
		return carpool.FieldErrorf(carpool.EINVALID, "url", "url must not hold a user name or password")
	case errors.Is(err, outbound.ErrPort):
		return carpool.FieldErrorf(carpool.EINVALID, "url", "url may use port 80 or 443, or a port the operator allows")
	case errors.Is(err, outbound.ErrInside):
		return carpool.FieldErrorf(carpool.EINVALID, "url", "url must not point at this machine, an inside network or a metadata service")
	default:
		return carpool.FieldErrorf(carpool.EINVALID, "url", "url must be an http:// or https:// URL with a host")
	}
	u, _ := url.Parse(raw) // the policy parsed it
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	_, adminPort, err := net.SplitHostPort(adminAddr)
	if err != nil || port != adminPort {
		return nil
	}
	if local(u.Hostname()) {
		return carpool.FieldErrorf(carpool.EINVALID, "url", "url must not point at the admin port %s", adminPort)
	}
	return nil
}

// local reports whether host names this machine.
func local(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	if name, err := os.Hostname(); err == nil && strings.EqualFold(host, name) {
		return true
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	if ip.IsLoopback() || ip.IsUnspecified() {
		return true
	}
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.Equal(ip) {
			return true
		}
	}
	return false
}

// The reasons a delivery failed, as admins see them in the delivery list: a fixed
// set, so the list cannot be read as a port scanner's answers (refused, timed out, TLS
// alert, which status) and carries no text from the receiver. The cause is logged.
const (
	ReasonBlocked     = "refused by the outbound request policy"
	ReasonUnreachable = "the receiver could not be reached"
	ReasonRejected    = "the receiver answered with an error"
	ReasonGone        = "the receiver answered that the webhook is gone"
	ReasonRemoved     = "the webhook was deleted or disabled"
	ReasonMisconfig   = "the webhook cannot be signed"
)

// deliveryError is a failed attempt: reason is all its text, cause what the log says.
type deliveryError struct {
	reason    string
	cause     error
	permanent bool
}

func (e deliveryError) Error() string   { return e.reason }
func (e deliveryError) Permanent() bool { return e.permanent }

// Options configure a Sender.
type Options struct {
	// Lookup finds a webhook by id (the delivery's recipient); the store's Webhook.
	Lookup func(ctx context.Context, id string) (carpool.Webhook, error)
	// Client replaces the HTTP client that keeps Policy (tests of the signature only).
	Client *http.Client
	Now    func() time.Time
	// AdminAddr is this process's admin listener; connections to its port on this
	// machine are refused even when the policy allows the machine's network.
	AdminAddr string
	// Policy is where deliveries may go.
	Policy outbound.Policy
	// Logger receives the cause of each failed attempt (admins see only its reason).
	Logger *slog.Logger
}

// Sender sends the deliveries of the webhook channel (a notify.Sender).
type Sender struct {
	o Options
}

// NewSender returns a Sender; Lookup must be set before it sends.
func NewSender(o Options) *Sender {
	if o.Client == nil {
		_, adminPort, _ := net.SplitHostPort(o.AdminAddr)
		policy := o.Policy
		o.Client = policy.Client(5 * time.Second)
		if adminPort != "" {
			o.Client.Transport = adminGuard{adminPort: adminPort, next: o.Client.Transport}
		}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Sender{o: o}
}

// adminGuard refuses a request to this machine's admin port, which the policy alone
// would allow when an operator allowed the machine's own network.
type adminGuard struct {
	adminPort string
	next      http.RoundTripper
}

func (g adminGuard) RoundTrip(r *http.Request) (*http.Response, error) {
	port := r.URL.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[r.URL.Scheme]
	}
	if port == g.adminPort && local(r.URL.Hostname()) {
		return nil, fmt.Errorf("%w: %s is this machine's admin port", outbound.ErrBlocked, r.URL.Host)
	}
	return g.next.RoundTrip(r)
}

// Send implements notify.Sender: 2xx is success; 410 Gone, a deleted or disabled
// webhook and a request the policy refuses are permanent failures; anything else is
// retried. A failure's text is one of the fixed reasons; its cause goes to the log.
func (s *Sender) Send(ctx context.Context, d carpool.Delivery) error {
	w, err := s.o.Lookup(ctx, d.Recipient)
	if err != nil {
		if carpool.ErrorCode(err) == carpool.ENOTFOUND {
			return s.fail(d, ReasonRemoved, fmt.Errorf("webhook %s was deleted", d.Recipient), true)
		}
		return err
	}
	if !w.Enabled {
		return s.fail(d, ReasonRemoved, fmt.Errorf("webhook %s is disabled", w.ID), true)
	}
	ts := s.o.Now()
	sig, err := Sign(w.Secret, d.ID, ts, d.Payload)
	if err != nil {
		return s.fail(d, ReasonMisconfig, err, true)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(d.Payload))
	if err != nil {
		return s.fail(d, ReasonBlocked, fmt.Errorf("webhook request: %w", err), true)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "carpool-webhooks")
	req.Header.Set("webhook-id", d.ID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	resp, err := s.o.Client.Do(req)
	if err != nil {
		if errors.Is(err, outbound.ErrBlocked) {
			return s.fail(d, ReasonBlocked, err, true)
		}
		return s.fail(d, ReasonUnreachable, err, false)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusGone:
		return s.fail(d, ReasonGone, errors.New("webhook answered 410 Gone"), true)
	default:
		return s.fail(d, ReasonRejected, fmt.Errorf("webhook answered %s", resp.Status), false)
	}
}

// fail logs the cause of a failed attempt and returns its reason.
func (s *Sender) fail(d carpool.Delivery, reason string, cause error, permanent bool) error {
	s.o.Logger.Warn("webhook: attempt failed", "delivery", d.ID, "webhook", d.Recipient, "reason", reason, "err", cause)
	return deliveryError{reason: reason, cause: cause, permanent: permanent}
}

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
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"carpool/internal/carpool"
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

// CheckURL refuses an endpoint that is not http(s) or that points at this process's
// admin listener (metrics and profiling must stay inside the pod).
func CheckURL(raw, adminAddr string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return carpool.FieldErrorf(carpool.EINVALID, "url", "url must be an http:// or https:// URL with a host")
	}
	port := u.Port()
	if n, err := strconv.Atoi(port); port != "" && (err != nil || n < 1 || n > 65535) {
		return carpool.FieldErrorf(carpool.EINVALID, "url", "url's port must be between 1 and 65535")
	}
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

// permanentError is a failure no retry can cure; the relay lets the delivery die.
type permanentError struct{ error }

func (permanentError) Permanent() bool { return true }

func permanent(err error) error { return permanentError{err} }

// Options configure a Sender.
type Options struct {
	// Lookup finds a webhook by id (the delivery's recipient); the store's Webhook.
	Lookup func(ctx context.Context, id string) (carpool.Webhook, error)
	Client *http.Client
	Now    func() time.Time
	// AdminAddr is this process's admin listener; connections to its port on this
	// machine are refused even when a registered host name resolves here later.
	AdminAddr string
}

// Sender sends the deliveries of the webhook channel (a notify.Sender).
type Sender struct {
	o Options
}

// NewSender returns a Sender; Lookup must be set before it sends.
func NewSender(o Options) *Sender {
	if o.Client == nil {
		_, adminPort, _ := net.SplitHostPort(o.AdminAddr)
		dialer := &net.Dialer{Timeout: 5 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
			host, port, err := net.SplitHostPort(address)
			if err == nil && adminPort != "" && port == adminPort && local(host) {
				return fmt.Errorf("webhook: %s is this machine's admin port", address)
			}
			return nil
		}}
		o.Client = &http.Client{Timeout: 10 * time.Second,
			Transport: &http.Transport{DialContext: dialer.DialContext, Proxy: http.ProxyFromEnvironment,
				TLSHandshakeTimeout: 5 * time.Second, MaxIdleConnsPerHost: 4},
			// A receiver's redirect could point anywhere, the admin port included.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Sender{o: o}
}

// Send implements notify.Sender: 2xx is success; 410 Gone, a deleted or disabled
// webhook are permanent failures; anything else is retried.
func (s *Sender) Send(ctx context.Context, d carpool.Delivery) error {
	w, err := s.o.Lookup(ctx, d.Recipient)
	if err != nil {
		if carpool.ErrorCode(err) == carpool.ENOTFOUND {
			return permanent(fmt.Errorf("webhook %s was deleted", d.Recipient))
		}
		return err
	}
	if !w.Enabled {
		return permanent(fmt.Errorf("webhook %s is disabled", w.ID))
	}
	ts := s.o.Now()
	sig, err := Sign(w.Secret, d.ID, ts, d.Payload)
	if err != nil {
		return permanent(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(d.Payload))
	if err != nil {
		return permanent(fmt.Errorf("webhook request: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "carpool-webhooks")
	req.Header.Set("webhook-id", d.ID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	resp, err := s.o.Client.Do(req)
	if err != nil {
		return fmt.Errorf("post webhook: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusGone:
		return permanent(errors.New("webhook answered 410 Gone"))
	default:
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
}

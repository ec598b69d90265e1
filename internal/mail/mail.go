// Package mail sends notification e-mails over SMTP: multipart text and HTML, a
// Message-ID fixed per delivery (a retry after a crash is the same mail to the
// recipient's client), List-Unsubscribe pointing at the notification preferences, and
// links back to the web UI.
package mail

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	"golang.org/x/text/language"

	"carpool/internal/carpool"
	"carpool/internal/locale"
	"carpool/internal/notify"
)

// Config says where and how to send.
type Config struct {
	// URL is smtp://[user[:pass]@]host[:port] (STARTTLS required, port 587 by default)
	// or smtps://... (TLS from the first byte, port 465). ?tls=none on an smtp:// URL
	// sends in the clear, for a test server on loopback only.
	URL string
	// Password, when set, replaces the URL's (it may come from a file).
	Password string
	From     string // the sender address, "Carpool <carpool@example.com>" or a bare address
	BaseURL  string // the public URL of the web UI, for links
	Timeout  time.Duration
	// Language frames mails whose payload names no language (queued before payloads
	// carried one) [English].
	Language language.Tag
}

// ParseURL checks an SMTP URL and returns what it says; the error names no secret.
func ParseURL(raw string) (host string, port int, implicitTLS bool, clear bool, user, pass string, err error) {
	u, perr := url.Parse(raw)
	if perr != nil {
		return "", 0, false, false, "", "", errors.New("not a URL like smtp://user:pass@host:587")
	}
	switch u.Scheme {
	case "smtp":
		port = 587
	case "smtps":
		port, implicitTLS = 465, true
	default:
		return "", 0, false, false, "", "", errors.New("must start with smtp:// (STARTTLS) or smtps:// (implicit TLS)")
	}
	host = u.Hostname()
	if host == "" {
		return "", 0, false, false, "", "", errors.New("needs a host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return "", 0, false, false, "", "", errors.New("port must be a number from 1 to 65535")
		}
		port = n
	}
	switch t := u.Query().Get("tls"); t {
	case "":
	case "none":
		if implicitTLS {
			return "", 0, false, false, "", "", errors.New("tls=none contradicts smtps://")
		}
		clear = true
	default:
		return "", 0, false, false, "", "", fmt.Errorf("tls=%q: the only value is none", t)
	}
	if u.User != nil {
		user = u.User.Username()
		pass, _ = u.User.Password()
	}
	return host, port, implicitTLS, clear, user, pass, nil
}

// Sender is a notify.Sender for the e-mail channel.
type Sender struct {
	cfg    Config
	opts   []gomail.Option
	server string // the SMTP host
	host   string // the domain of Message-IDs
}

// New checks cfg and returns a Sender; it does not connect.
func New(cfg Config) (*Sender, error) {
	host, port, implicitTLS, clear, user, pass, err := ParseURL(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("CARPOOL_SMTP_URL: %w", err)
	}
	if cfg.Password != "" {
		pass = cfg.Password
	}
	if err := gomail.NewMsg().From(cfg.From); err != nil {
		return nil, fmt.Errorf("CARPOOL_MAIL_FROM: %w", err)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	opts := []gomail.Option{gomail.WithPort(port), gomail.WithTimeout(cfg.Timeout)}
	switch {
	case implicitTLS:
		opts = append(opts, gomail.WithSSL())
	case clear:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if user != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(user), gomail.WithPassword(pass))
	}
	id := "carpool.local"
	if b, err := url.Parse(cfg.BaseURL); err == nil && b.Hostname() != "" {
		id = b.Hostname()
	}
	return &Sender{cfg: cfg, opts: append(opts, gomail.WithHELO(helo(id))), server: host, host: id}, nil
}

func helo(h string) string {
	if net.ParseIP(h) != nil {
		return "[" + h + "]"
	}
	return h
}

// MessageID returns the Message-ID (without angle brackets) of a delivery's mail.
func (s *Sender) MessageID(d carpool.Delivery) string { return d.ID + "@" + s.host }

// Send implements notify.Sender. A recipient the server refuses for good (5xx) is a
// permanent failure; everything else may be retried.
func (s *Sender) Send(ctx context.Context, d carpool.Delivery) error {
	msg, err := s.Message(d)
	if err != nil {
		return notify.Permanent(err)
	}
	c, err := gomail.NewClient(s.server, s.opts...)
	if err != nil {
		return notify.Failed(ReasonSetup, fmt.Errorf("smtp client: %w", err))
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		var se *gomail.SendError
		switch {
		case errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500:
			return notify.Permanent(notify.Failed(fmt.Sprintf(ReasonRefused, se.ErrorCode()), fmt.Errorf("send mail: %w", err)))
		case errors.As(err, &se) && se.ErrorCode() > 0:
			return notify.Failed(fmt.Sprintf(ReasonDeferred, se.ErrorCode()), fmt.Errorf("send mail: %w", err))
		case errors.As(err, &se):
			return notify.Failed(ReasonNotTaken, fmt.Errorf("send mail: %w", err))
		}
		return notify.Failed(ReasonUnreachable, fmt.Errorf("send mail: %w", err))
	}
	return nil
}

// What a failed mail's record says (the log keeps the server's own words): fixed texts,
// with the server's reply code where it gave one.
const (
	ReasonSetup       = "the mail could not be prepared for sending"
	ReasonUnreachable = "the mail server could not be reached or the connection failed"
	ReasonRefused     = "the mail server refused the message for good (reply %d)"
	ReasonDeferred    = "the mail server deferred the message (reply %d)"
	ReasonNotTaken    = "the mail server did not take the message"
)

// Message builds the mail of a delivery.
func (s *Sender) Message(d carpool.Delivery) (*gomail.Msg, error) {
	var p notify.MailPayload
	if err := json.Unmarshal(d.Payload, &p); err != nil {
		return nil, fmt.Errorf("mail payload of delivery %s: %w", d.ID, err)
	}
	base := strings.TrimRight(s.cfg.BaseURL, "/")
	link := base + p.Link
	prefs := base + "/notifications/preferences"

	m := gomail.NewMsg()
	if err := m.From(s.cfg.From); err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	if err := m.AddToFormat(p.Name, p.To); err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	words := locale.ForCode(p.Language, s.cfg.Language)
	m.Subject(words.T("mail.subject", "Title", p.Title))
	m.SetMessageIDWithValue(s.MessageID(d))
	m.SetDate()
	m.SetGenHeader("Auto-Submitted", "auto-generated")

	var text string
	var html bytes.Buffer
	if notify.IsAccountKind(p.Kind) {
		// A mail about the account itself: nobody subscribed to it, so there is nothing
		// to unsubscribe from.
		text = words.T("mail.hello", "Name", p.Name) + "\n\n" + p.Body + "\n\n" + link + "\n\n-- \n" + words.T("mail.why_account") + "\n"
		if err := accountMail.Execute(&html, map[string]string{"Lang": words.Code(), "Name": p.Name, "Title": p.Title, "Body": p.Body, "Link": link,
			"Hello": words.T("mail.hello", "Name", p.Name), "Why": words.T("mail.why_account")}); err != nil {
			return nil, fmt.Errorf("render mail: %w", err)
		}
	} else {
		m.SetGenHeader(gomail.HeaderListUnsubscribe, "<"+prefs+">")
		text = words.T("mail.hello", "Name", p.Name) + "\n\n" + p.Body + "\n\n" + words.T("mail.open", "Link", link) +
			"\n\n-- \n" + words.T("mail.why") + "\n" + words.T("mail.change", "Link", prefs) + "\n"
		if err := htmlMail.Execute(&html, map[string]string{"Lang": words.Code(), "Name": p.Name, "Title": p.Title, "Body": p.Body, "Link": link, "Prefs": prefs,
			"Hello": words.T("mail.hello", "Name", p.Name), "Open": words.T("mail.open_html"), "Why": words.T("mail.why"), "Change": words.T("mail.change_html")}); err != nil {
			return nil, fmt.Errorf("render mail: %w", err)
		}
	}
	m.SetBodyString(gomail.TypeTextPlain, text)
	m.AddAlternativeString(gomail.TypeTextHTML, html.String())
	return m, nil
}

var htmlMail = template.Must(template.New("mail").Parse(`<!doctype html>
<html lang="{{.Lang}}"><body style="font-family:sans-serif">
<p>{{.Hello}}</p>
<h2>{{.Title}}</h2>
<p>{{.Body}}</p>
<p><a href="{{.Link}}">{{.Open}}</a></p>
<hr><p style="font-size:small">{{.Why}}
<a href="{{.Prefs}}">{{.Change}}</a>.</p>
</body></html>
`))

var accountMail = template.Must(template.New("account").Parse(`<!doctype html>
<html lang="{{.Lang}}"><body style="font-family:sans-serif">
<p>{{.Hello}}</p>
<h2>{{.Title}}</h2>
<p>{{.Body}}</p>
<p><a href="{{.Link}}">{{.Link}}</a></p>
<hr><p style="font-size:small">{{.Why}}</p>
</body></html>
`))

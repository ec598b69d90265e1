package config

import (
	"errors"
	"fmt"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Notify is the configuration of notification delivery.
type Notify struct {
	PublicURL    string // where members reach the web UI; links in mails point there
	SMTPURL      string // "" switches e-mail off
	SMTPPassword string
	MailFrom     string
	MaxAttempts  int
	// Lease is how long a replica holds a delivery it claimed before another may send
	// it: after a replica's crash, what it held goes out again when its lease ends.
	Lease        time.Duration
	Retention    time.Duration
	ReminderLead time.Duration
	// PurgeAfter is CARPOOL_RETENTION_DAYS: notifications, delivered outbox rows and
	// audit entries older than this are deleted; 0 keeps them for ever.
	PurgeAfter time.Duration
}

// The notification settings are appended to the table so that this file holds them all.
func init() { settings = append(settings, notifySettings...) }

var notifySettings = []setting{
	{env: "CARPOOL_PUBLIC_URL", flag: "public-url", def: "http://localhost:8080", usage: "the URL members reach the web UI at, for links in e-mails and the calendar feed",
		apply: func(c *Config, v string) error {
			u, err := url.Parse(v)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return errors.New("must be an http:// or https:// URL with a host")
			}
			c.Notify.PublicURL = strings.TrimRight(v, "/")
			return nil
		},
		show: func(c *Config) string { return c.Notify.PublicURL }},
	{env: "CARPOOL_SMTP_URL", flag: "smtp-url", usage: "SMTP server for e-mail: smtp://user:pass@host:587 (STARTTLS) or smtps://... (implicit TLS); empty: no e-mail", secret: true,
		apply: func(c *Config, v string) error {
			if v == "" {
				c.Notify.SMTPURL = ""
				return nil
			}
			if err := checkSMTPURL(v); err != nil {
				return err
			}
			c.Notify.SMTPURL = v
			return nil
		},
		show: func(c *Config) string { return MaskURL(c.Notify.SMTPURL) }},
	{env: "CARPOOL_SMTP_PASSWORD", flag: "smtp-password", usage: "SMTP password, instead of the one in CARPOOL_SMTP_URL", secret: true,
		apply: func(c *Config, v string) error { c.Notify.SMTPPassword = v; return nil },
		show:  func(c *Config) string { return c.Notify.SMTPPassword }},
	{env: "CARPOOL_MAIL_FROM", flag: "mail-from", usage: "sender of notification e-mails, e.g. 'Carpool <carpool@example.com>'; required with CARPOOL_SMTP_URL",
		apply: func(c *Config, v string) error {
			if v != "" {
				if _, err := netmail.ParseAddress(v); err != nil {
					return errors.New("must be a mail address like carpool@example.com or 'Carpool <carpool@example.com>'")
				}
			}
			c.Notify.MailFrom = v
			return nil
		},
		show: func(c *Config) string { return c.Notify.MailFrom }},
	{env: "CARPOOL_NOTIFY_MAX_ATTEMPTS", flag: "notify-max-attempts", def: "8", usage: "attempts at an e-mail or webhook delivery before it is dead",
		apply: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 100 {
				return errors.New("must be a whole number from 1 to 100")
			}
			c.Notify.MaxAttempts = n
			return nil
		},
		show: func(c *Config) string { return strconv.Itoa(c.Notify.MaxAttempts) }},
	{env: "CARPOOL_NOTIFY_LEASE", flag: "notify-lease", def: "1m", usage: "how long a replica holds an e-mail or webhook delivery it claimed; one a crashed replica held goes out again after it",
		apply: func(c *Config, v string) error {
			// A send may take up to 15 s (notify.Options.SendTimeout); a lease shorter
			// than that with a margin would let a second replica send what is still going out.
			d, err := time.ParseDuration(v)
			if err != nil || d < 20*time.Second || d > time.Hour {
				return errors.New("must be a duration from 20s (a send may take 15s) to 1h")
			}
			c.Notify.Lease = d
			return nil
		},
		show: func(c *Config) string { return c.Notify.Lease.String() }},
	{env: "CARPOOL_NOTIFY_RETENTION", flag: "notify-retention", def: "168h", usage: "how long delivered notification rows and their events are kept",
		apply: durationInto(func(c *Config) *time.Duration { return &c.Notify.Retention }),
		show:  func(c *Config) string { return c.Notify.Retention.String() }},
	{env: "CARPOOL_RETENTION_DAYS", flag: "retention-days", def: "365", usage: "days after which notifications, delivered outbox rows and audit entries are deleted; 0 keeps them for ever",
		apply: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > 36500 {
				return errors.New("must be a whole number of days from 0 (keep for ever) to 36500")
			}
			c.Notify.PurgeAfter = time.Duration(n) * 24 * time.Hour
			return nil
		},
		show: func(c *Config) string { return strconv.Itoa(int(c.Notify.PurgeAfter / (24 * time.Hour))) }},
	{env: "CARPOOL_REMINDER_LEAD", flag: "reminder-lead", def: "60m", usage: "how long before departure driver and passengers are reminded",
		apply: durationInto(func(c *Config) *time.Duration { return &c.Notify.ReminderLead }),
		show:  func(c *Config) string { return c.Notify.ReminderLead.String() }},
}

// checkSMTPURL says what is wrong with an SMTP URL without repeating it (it may hold a
// password).
func checkSMTPURL(v string) error {
	u, err := url.Parse(v)
	if err != nil {
		return errors.New("not a URL like smtp://user:pass@host:587")
	}
	if u.Scheme != "smtp" && u.Scheme != "smtps" {
		return errors.New("must start with smtp:// (STARTTLS) or smtps:// (implicit TLS)")
	}
	if u.Hostname() == "" {
		return errors.New("needs a host")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return errors.New("port must be a number from 1 to 65535")
		}
	}
	if t := u.Query().Get("tls"); t != "" && (t != "none" || u.Scheme == "smtps") {
		return fmt.Errorf("tls=%s: the only value is none, on smtp:// only", t)
	}
	return nil
}

// validateNotify checks the settings that depend on each other.
func (c *Config) validateNotify() error {
	if c.Notify.SMTPURL != "" && c.Notify.MailFrom == "" {
		return errors.New("invalid CARPOOL_MAIL_FROM: required when CARPOOL_SMTP_URL is set")
	}
	return nil
}

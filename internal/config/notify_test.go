package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"carpool/internal/config"
)

func TestNotifyDefaults(t *testing.T) {
	c, err := config.Load(nil, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	n := c.Notify
	if n.SMTPURL != "" || n.PublicURL != "http://localhost:8080" || n.MaxAttempts != 8 ||
		n.Retention != 168*time.Hour || n.ReminderLead != time.Hour || n.PurgeAfter != 365*24*time.Hour {
		t.Fatalf("defaults: got %+v", n)
	}
}

func TestNotifySettings(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "smtp-password")
	if err := os.WriteFile(pwFile, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(nil, envOf(map[string]string{
		"CARPOOL_SMTP_URL":           "smtps://mailer@mail.example.com",
		"CARPOOL_SMTP_PASSWORD_FILE": pwFile,
		"CARPOOL_MAIL_FROM":          "Carpool <carpool@example.com>",
		"CARPOOL_PUBLIC_URL":         "https://carpool.example.com/",
		"CARPOOL_REMINDER_LEAD":      "30m",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Notify.SMTPPassword != "s3cret" || c.Notify.PublicURL != "https://carpool.example.com" || c.Notify.ReminderLead != 30*time.Minute {
		t.Fatalf("got %+v", c.Notify)
	}
}

func TestNotifySettingsFailNamingTheVariable(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"not smtp", map[string]string{"CARPOOL_SMTP_URL": "http://mail.example.com", "CARPOOL_MAIL_FROM": "a@example.com"}, "CARPOOL_SMTP_URL"},
		{"no host", map[string]string{"CARPOOL_SMTP_URL": "smtp://user:pw@:25", "CARPOOL_MAIL_FROM": "a@example.com"}, "CARPOOL_SMTP_URL"},
		{"bad port", map[string]string{"CARPOOL_SMTP_URL": "smtp://mail.example.com:99999", "CARPOOL_MAIL_FROM": "a@example.com"}, "CARPOOL_SMTP_URL"},
		{"clear text on smtps", map[string]string{"CARPOOL_SMTP_URL": "smtps://mail.example.com?tls=none", "CARPOOL_MAIL_FROM": "a@example.com"}, "CARPOOL_SMTP_URL"},
		{"no sender", map[string]string{"CARPOOL_SMTP_URL": "smtp://mail.example.com"}, "CARPOOL_MAIL_FROM"},
		{"bad sender", map[string]string{"CARPOOL_MAIL_FROM": "not an address"}, "CARPOOL_MAIL_FROM"},
		{"bad public URL", map[string]string{"CARPOOL_PUBLIC_URL": "carpool.example.com"}, "CARPOOL_PUBLIC_URL"},
		{"bad attempts", map[string]string{"CARPOOL_NOTIFY_MAX_ATTEMPTS": "0"}, "CARPOOL_NOTIFY_MAX_ATTEMPTS"},
		{"lease shorter than a send", map[string]string{"CARPOOL_NOTIFY_LEASE": "10s"}, "CARPOOL_NOTIFY_LEASE"},
		{"bad lease", map[string]string{"CARPOOL_NOTIFY_LEASE": "a while"}, "CARPOOL_NOTIFY_LEASE"},
		{"bad lead", map[string]string{"CARPOOL_REMINDER_LEAD": "soon"}, "CARPOOL_REMINDER_LEAD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Load(nil, envOf(tc.env))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error naming %s", err, tc.want)
			}
			if strings.Contains(err.Error(), "pw@") {
				t.Fatalf("the error repeats a password: %v", err)
			}
		})
	}
}

func TestRetentionDays(t *testing.T) {
	for _, tc := range []struct {
		value   string
		want    time.Duration
		wantErr bool
	}{
		{"0", 0, false},
		{"30", 30 * 24 * time.Hour, false},
		{"-1", 0, true},
		{"a year", 0, true},
	} {
		t.Run(tc.value, func(t *testing.T) {
			c, err := config.Load(nil, envOf(map[string]string{"CARPOOL_RETENTION_DAYS": tc.value}))
			if tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), "CARPOOL_RETENTION_DAYS") {
					t.Fatalf("got %v, want an error naming CARPOOL_RETENTION_DAYS", err)
				}
				return
			}
			if err != nil || c.Notify.PurgeAfter != tc.want {
				t.Fatalf("got %v, %v; want %v", c.Notify.PurgeAfter, err, tc.want)
			}
		})
	}
}

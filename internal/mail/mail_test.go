package mail_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"carpool/internal/carpool"
	"carpool/internal/mail"
	"carpool/internal/notify"
)

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		url                 string
		host                string
		port                int
		implicitTLS, clear  bool
		user, pass, wantErr string
	}{
		{url: "smtp://mail.example.com", host: "mail.example.com", port: 587},
		{url: "smtp://u:p@mail.example.com:2525", host: "mail.example.com", port: 2525, user: "u", pass: "p"},
		{url: "smtps://mail.example.com", host: "mail.example.com", port: 465, implicitTLS: true},
		{url: "smtp://127.0.0.1:1025?tls=none", host: "127.0.0.1", port: 1025, clear: true},
		{url: "http://mail.example.com", wantErr: "smtp://"},
		{url: "smtp://:25", wantErr: "host"},
		{url: "smtp://mail.example.com:0", wantErr: "port"},
		{url: "smtps://mail.example.com?tls=none", wantErr: "contradicts"},
		{url: "smtp://mail.example.com?tls=maybe", wantErr: "none"},
	} {
		t.Run(tc.url, func(t *testing.T) {
			host, port, implicitTLS, clear, user, pass, err := mail.ParseURL(tc.url)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want an error about %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || host != tc.host || port != tc.port || implicitTLS != tc.implicitTLS || clear != tc.clear || user != tc.user || pass != tc.pass {
				t.Fatalf("got %q %d %v %v %q %q %v", host, port, implicitTLS, clear, user, pass, err)
			}
		})
	}
}

func TestMessageIsStablePerDelivery(t *testing.T) {
	s, err := mail.New(mail.Config{URL: "smtp://mail.example.com", From: "Carpool <carpool@example.com>", BaseURL: "https://carpool.example.com/"})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := json.Marshal(notify.MailPayload{To: "rico@example.com", Name: "Rico <b>", Kind: carpool.EventBookingConfirmed,
		Title: "Seat confirmed", Body: "Your seat is confirmed.", Link: "/rides/r1"})
	d := carpool.Delivery{ID: "d1", Channel: carpool.ChannelEmail, Payload: p}
	render := func() string {
		m, err := s.Message(d)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if _, err := m.WriteTo(&b); err != nil {
			t.Fatal(err)
		}
		return strings.ReplaceAll(b.String(), "\r\n ", " ") // unfold header lines (RFC 5322)
	}
	raw := render()
	for _, want := range []string{
		"Message-ID: <d1@carpool.example.com>",
		"List-Unsubscribe: <https://carpool.example.com/notifications/preferences>",
		"Subject: Carpool: Seat confirmed",
		"multipart/alternative",
		"text/plain", "text/html",
		"Rico &lt;b&gt;", // the HTML part escapes what members typed
	} {
		if !strings.Contains(raw, want) {
			t.Errorf("mail lacks %q:\n%s", want, raw)
		}
	}
	if again := render(); !strings.Contains(again, "Message-ID: <d1@carpool.example.com>") {
		t.Errorf("a second rendering has another Message-ID")
	}
	if _, err := s.Message(carpool.Delivery{ID: "d2", Payload: []byte("{")}); err == nil {
		t.Errorf("a broken payload rendered a mail")
	}
}

func TestAccountMailHasNoUnsubscribe(t *testing.T) {
	s, err := mail.New(mail.Config{URL: "smtp://mail.example.com", From: "Carpool <carpool@example.com>", BaseURL: "https://carpool.example.com/"})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := json.Marshal(notify.AccountPayload(carpool.AccountMail{Kind: carpool.MailPasswordReset, To: "rico@example.com",
		Name: "Rico", Link: "/password/reset?token=cpl_secret"}, language.English))
	m, err := s.Message(carpool.Delivery{ID: "d2", Channel: carpool.ChannelEmail, Payload: p})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	raw := strings.ReplaceAll(b.String(), "\r\n ", " ")
	if strings.Contains(raw, "List-Unsubscribe") {
		t.Errorf("an account mail offers to unsubscribe:\n%s", raw)
	}
	for _, want := range []string{"Subject: Carpool: Reset your password", "carpool.example.com/password/reset?token", "cpl_secret"} {
		if !strings.Contains(raw, want) {
			t.Errorf("mail lacks %q:\n%s", want, raw)
		}
	}
}

// TestAccountMailInPersonsLanguage: an account mail speaks the person's language, else
// the default, in its subject, greeting and footer.
func TestAccountMailInPersonsLanguage(t *testing.T) {
	s, err := mail.New(mail.Config{URL: "smtp://mail.example.com", From: "Carpool <carpool@example.com>", BaseURL: "https://carpool.example.com/"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, chosen string
		def          language.Tag
		want         []string
	}{
		{"chosen German", "de", language.English, []string{"Subject: =?UTF-8?q?Carpool:_Passwort_zur=C3=BCcksetzen", "Hallo Rico,", "innerhalb von 30 Minuten"}},
		{"German by default", "", language.German, []string{"Hallo Rico,", "Konto dieser Adresse"}},
		{"chosen English over a German default", "en", language.German, []string{"Subject: Carpool: Reset your password", "Hello Rico,"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := json.Marshal(notify.AccountPayload(carpool.AccountMail{Kind: carpool.MailPasswordReset, To: "rico@example.com",
				Name: "Rico", Link: "/password/reset?token=cpl_secret", Language: tt.chosen}, tt.def))
			m, err := s.Message(carpool.Delivery{ID: "d3", Channel: carpool.ChannelEmail, Payload: p})
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if _, err := m.WriteTo(&b); err != nil {
				t.Fatal(err)
			}
			raw := strings.ReplaceAll(strings.ReplaceAll(b.String(), "=\r\n", ""), "\r\n ", " ")
			for _, want := range tt.want {
				if !strings.Contains(raw, want) {
					t.Errorf("mail lacks %q:\n%s", want, raw)
				}
			}
		})
	}
}

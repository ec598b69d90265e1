package locale_test

import (
	"testing"
	"time"

	"golang.org/x/text/language"

	"carpool/internal/locale"
)

func TestFormats(t *testing.T) {
	at := time.Date(2026, 11, 30, 7, 10, 0, 0, time.UTC)
	en, de := locale.For(language.English), locale.For(language.German)
	tests := []struct {
		name      string
		got, want string
	}{
		{"en date", en.Date(at), "30 Nov 2026"},
		{"de date", de.Date(at), "30.11.2026"},
		{"en clock", en.Clock(at), "07:10"},
		{"de clock", de.Clock(at), "07:10"},
		{"en afternoon", en.Clock(at.Add(10 * time.Hour)), "17:10"},
		{"de afternoon", de.Clock(at.Add(10 * time.Hour)), "17:10"},
		{"en when", en.When(at), "Mon 30 Nov 2026, 07:10"},
		{"de when", de.When(at), "Mo. 30.11.2026, 07:10"},
		{"en day", en.Day(at), "Mon 30 Nov"},
		{"de day", de.Day(at), "Mo. 30.11."},
		{"en short", en.Short(at), "30 Nov"},
		{"de short", de.Short(at), "30.11."},
		{"en km", en.KM(12.5), "12.5 km"},
		{"de km", de.KM(12.5), "12,5 km"},
		{"en km rounds", en.KM(3.04), "3.0 km"},
		{"de thousands", de.KM(1234.56), "1.234,6 km"},
		{"en thousands", en.KM(1234.56), "1,234.6 km"},
		{"en kg", en.KG(3.25), "3.2 kg"},
		{"de kg", de.KG(3.26), "3,3 kg"},
		{"en percent", en.Percent(0.425), "42.5 %"},
		{"de percent", de.Percent(0.425), "42,5 %"},
		{"de number", de.Number(0.12, 2), "0,12"},
		{"de exact", de.Exact(0.16844), "0,16844"},
		{"en exact", en.Exact(0.17), "0.17"},
		{"de exact whole", de.Exact(2), "2"},
		{"en int", en.Int(12345), "12,345"},
		{"de int", de.Int(12345), "12.345"},
		{"en join", en.Join([]string{"a", "b", "c"}), "a, b and c"},
		{"de join", de.Join([]string{"a", "b"}), "a und b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestPlurals(t *testing.T) {
	en, de := locale.For(language.English), locale.For(language.German)
	for _, tt := range []struct {
		p    *locale.Printer
		n    int
		want string
	}{
		{en, 1, "1 seat"}, {en, 2, "2 seats"}, {de, 1, "1 Platz"}, {de, 3, "3 Plätze"},
	} {
		if got := tt.p.N("ride.seats", tt.n); got != tt.want {
			t.Errorf("%s %d: got %q, want %q", tt.p.Code(), tt.n, got, tt.want)
		}
	}
}

func TestNegotiate(t *testing.T) {
	en, de := language.English, language.German
	tests := []struct {
		name   string
		def    language.Tag
		accept string
		chosen []string
		want   language.Tag
	}{
		{"nothing: default", en, "", nil, en},
		{"nothing: German default", de, "", nil, de},
		{"header", en, "de-DE,de;q=0.9,en;q=0.5", nil, de},
		{"header prefers English", de, "en-GB,de;q=0.5", nil, en},
		{"header region only", en, "de-AT", nil, de},
		{"header unsupported: default", de, "fr-FR,es;q=0.8", nil, de},
		{"header with an unsupported first", en, "fr,de;q=0.7", nil, de},
		{"malformed header: default", de, ";;;===", nil, de},
		{"setting beats header", en, "de", []string{"en"}, en},
		{"empty setting: header", en, "de", []string{""}, de},
		{"unknown setting: next choice", en, "", []string{"xx", "de"}, de},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := locale.Negotiate(tt.def, tt.accept, tt.chosen...); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]string{"de": "de", "de-CH": "de", "EN-us": "en", "en": "en"} {
		tag, ok := locale.Parse(in)
		if !ok || locale.Code(tag) != want {
			t.Errorf("Parse(%q) = %v %v, want %s", in, tag, ok, want)
		}
	}
	for _, in := range []string{"", "fr", "zz", "not a tag"} {
		if _, ok := locale.Parse(in); ok {
			t.Errorf("Parse(%q) ok, want not", in)
		}
	}
}

func TestAccepted(t *testing.T) {
	for header, want := range map[string]string{
		"de-DE,de;q=0.9,en;q=0.8": "de", "de-CH": "de", "en-GB,en;q=0.9": "en", "fr-FR,de;q=0.5": "de",
		"fr-FR,fr;q=0.9": "", "": "", "not a header;;": "",
	} {
		if got := locale.Accepted(header); got != want {
			t.Errorf("Accepted(%q) = %q, want %q", header, got, want)
		}
	}
}

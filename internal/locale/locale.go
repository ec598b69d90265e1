// Package locale holds carpool's texts in every language it speaks and the formats of
// dates, times and numbers that go with them. The texts are message catalogues, one
// JSON file per language in catalog/, embedded in the binary and read with go-i18n; the
// language of a request is negotiated with golang.org/x/text/language.
//
// A text is looked up by its id (Printer.T); a text that differs by count has the
// plural forms "one" and "other" (Printer.N). English is the language every id must have
// first; a test fails when an id is missing from any catalogue.
package locale

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed catalog/*.json
var catalogs embed.FS

// Supported are the languages carpool speaks; the first is the one every text exists in.
var Supported = []language.Tag{language.English, language.German}

// Default is the language used when nothing else decides.
var Default = language.English

var matcher = language.NewMatcher(Supported)

// The catalogues are parsed on first use, not at package init: every process links this
// package (carpool migrate and carpool healthcheck too), and most never say a word.
var (
	bundle   = sync.OnceValue(mustBundle)
	printers = sync.OnceValue(func() map[language.Tag]*Printer {
		m := make(map[language.Tag]*Printer, len(Supported))
		for _, t := range Supported {
			m[t] = newPrinter(t)
		}
		return m
	})
)

func mustBundle() *i18n.Bundle {
	b := i18n.NewBundle(language.English)
	files, err := fs.Glob(catalogs, "catalog/*.json")
	if err != nil {
		panic(err)
	}
	for _, f := range files {
		if _, err := b.LoadMessageFileFS(catalogs, f); err != nil {
			panic(fmt.Sprintf("locale: catalogue %s: %v", f, err))
		}
	}
	return b
}

// Catalogues returns the raw catalogue files by language code ("en", "de"), for tests
// and tools that check them.
func Catalogues() (map[string][]byte, error) {
	files, err := fs.Glob(catalogs, "catalog/*.json")
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(files))
	for _, f := range files {
		b, err := catalogs.ReadFile(f)
		if err != nil {
			return nil, err
		}
		out[strings.TrimSuffix(path.Base(f), ".json")] = b
	}
	return out, nil
}

// Parse returns the supported language that s names ("de", "de-AT", "en-GB"); ok is
// false when s is empty or names a language carpool does not speak.
func Parse(s string) (language.Tag, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Default, false
	}
	t, err := language.Parse(s)
	if err != nil {
		return Default, false
	}
	_, i, c := matcher.Match(t)
	if c < language.High {
		return Default, false
	}
	return Supported[i], true
}

// Negotiate picks the language of an answer: the first of chosen that names a
// supported language (a member's setting, a visitor's switch), else the best supported
// match of an Accept-Language header, else def.
func Negotiate(def language.Tag, acceptLanguage string, chosen ...string) language.Tag {
	for _, c := range chosen {
		if t, ok := Parse(c); ok {
			return t
		}
	}
	if acceptLanguage != "" {
		tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
		if err == nil && len(tags) > 0 {
			if _, i, c := matcher.Match(tags...); c != language.No {
				return Supported[i]
			}
		}
	}
	return def
}

// Accepted returns the code of the supported language an Accept-Language header prefers
// ("de" for "de-DE,de;q=0.9,en;q=0.8"), or "" when it names none carpool speaks: a
// sign-up stores it as the member's language, so it must not fall back to a default.
func Accepted(acceptLanguage string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return ""
	}
	if _, i, c := matcher.Match(tags...); c >= language.High {
		return Code(Supported[i])
	}
	return ""
}

// Code is the short code of a supported language ("en", "de"), as stored in a member's
// setting and sent in the html lang attribute.
func Code(t language.Tag) string {
	b, _ := t.Base()
	return b.String()
}

// For returns the printer of a supported language; any other tag gets the default's.
func For(t language.Tag) *Printer {
	if p, ok := printers()[t]; ok {
		return p
	}
	if t, ok := Parse(t.String()); ok {
		return printers()[t]
	}
	return printers()[Default]
}

// ForCode returns the printer of the language code names, or def's when code names none.
func ForCode(code string, def language.Tag) *Printer {
	if t, ok := Parse(code); ok {
		return printers()[t]
	}
	return For(def)
}

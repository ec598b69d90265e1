package web

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"carpool/internal/locale"
)

// LanguageCookie remembers the language a visitor chose with the switch (?lang=de).
const LanguageCookie = "carpool_lang"

// langKey carries the language a request chose with ?lang= to the handlers; wordsKey
// the printer of the request's language, for the forms that say their own messages.
type (
	langKey  struct{}
	wordsKey struct{}
)

// withWords keeps p as the language of r's forms.
func withWords(r *http.Request, p *locale.Printer) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), wordsKey{}, p))
}

// wordsOf returns the language of r's forms: the member's once signed in, else the
// visitor's; nil outside the server's handlers.
func wordsOf(r *http.Request) *locale.Printer {
	p, _ := r.Context().Value(wordsKey{}).(*locale.Printer)
	return p
}

// chooseLanguage lets any page take ?lang=CODE: the choice holds for this answer and,
// through a cookie, for the visits after it. A code that names no supported language is
// ignored.
func (s *Server) chooseLanguage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v := r.URL.Query().Get("lang"); v != "" {
			if tag, ok := locale.Parse(v); ok {
				code := locale.Code(tag)
				s.setCookie(w, r, LanguageCookie, code, 365*24*time.Hour)
				r = r.WithContext(context.WithValue(r.Context(), langKey{}, code))
			}
		}
		next.ServeHTTP(w, withWords(r, s.printer(r, nil)))
	})
}

// printer returns the language of the answer to r: the member's own setting, else the
// visitor's choice (?lang= or its cookie), else the browser's Accept-Language, else the
// configured default.
func (s *Server) printer(r *http.Request, me *session) *locale.Printer {
	var chosen []string
	if me != nil {
		chosen = append(chosen, me.Member.Language)
	}
	if v, ok := r.Context().Value(langKey{}).(string); ok {
		chosen = append(chosen, v)
	} else if c, err := r.Cookie(LanguageCookie); err == nil {
		chosen = append(chosen, c.Value)
	}
	return locale.For(locale.Negotiate(s.lang, r.Header.Get("Accept-Language"), chosen...)).In(s.zone(me))
}

// visitorLanguage is the language a visitor chose with the switch, else the one their
// browser's Accept-Language asks for, else "" (a new member then follows the default).
func (s *Server) visitorLanguage(r *http.Request) string {
	chosen, ok := r.Context().Value(langKey{}).(string)
	if !ok {
		if c, err := r.Cookie(LanguageCookie); err == nil {
			chosen = c.Value
		}
	}
	if tag, ok := locale.Parse(chosen); ok {
		return locale.Code(tag)
	}
	return locale.Accepted(r.Header.Get("Accept-Language"))
}

// langChoice is one entry of the language switch.
type langChoice struct {
	Code    string
	Name    string // the language's name in itself
	URL     string // this page in that language
	Current bool
}

// langChoices are the links that show this page in each language.
func langChoices(r *http.Request, p *locale.Printer) []langChoice {
	var out []langChoice
	for _, tag := range locale.Supported {
		code := locale.Code(tag)
		q := url.Values{}
		for k, v := range r.URL.Query() {
			if k != "lang" && k != "done" {
				q[k] = v
			}
		}
		q.Set("lang", code)
		out = append(out, langChoice{Code: code, Name: locale.For(tag).T("language.self"), URL: r.URL.Path + "?" + q.Encode(), Current: code == p.Code()})
	}
	return out
}

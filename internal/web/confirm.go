package web

import (
	"net/http"
	"time"

	"carpool/internal/locale"
)

// confirmation is the page that asks before a destructive action: what will happen to
// whom, and a form that repeats the POST with confirmed=yes. It needs no JavaScript.
type confirmation struct {
	Title        string
	Consequences []string
	Verb         string            // the button, e.g. "Yes, cancel the ride"
	Action       string            // where the confirmed form posts
	Back         string            // where "No" leads
	Keep         map[string]string // posted values to send again
	// Option, when set, is a choice that comes with the confirmation (a checkbox).
	Option *confirmOption
}

// confirmOption is a checkbox on a confirmation page, posted as Name=yes when ticked.
type confirmOption struct {
	Name, Label string
	Checked     bool
}

// confirmed reports whether the posted form carries the confirmation of the page above.
func confirmed(r *http.Request) bool { return r.PostFormValue("confirmed") == "yes" }

// askFirst shows the confirmation page.
func (s *Server) askFirst(w http.ResponseWriter, r *http.Request, me *session, c confirmation) error {
	if c.Action == "" {
		c.Action = r.URL.Path
	}
	s.render(w, r, http.StatusOK, "confirm", me, c)
	return nil
}

// when formats a time for a sentence in p's language, as the templates' "when" does.
func (s *Server) when(p *locale.Printer, t time.Time) string { return p.When(t.In(p.Zone())) }

package web

import (
	"carpool/internal/carpool"

	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

//go:embed templates static
var assets embed.FS

// pages holds one template set per page: the layout and the partials parsed together
// with that page's file, so each page defines its own "title" and "content".
type pages struct {
	sets map[string]*template.Template
}

// parsedPages are the embedded templates, parsed once when the program starts: they are
// part of the binary, so a template that does not parse is a bug that every test of this
// package reports, not a condition to handle at run time.
var parsedPages = func() *pages {
	p, err := parsePages(time.UTC)
	if err != nil {
		panic(err)
	}
	return p
}()

// inZone returns the pages with their time helpers working in loc.
func (p *pages) inZone(loc *time.Location) *pages {
	out := &pages{sets: make(map[string]*template.Template, len(p.sets))}
	for name, t := range p.sets {
		out.sets[name] = template.Must(t.Clone()).Funcs(templateFuncs(loc))
	}
	return out
}

func parsePages(loc *time.Location) (*pages, error) {
	files, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	p := &pages{sets: map[string]*template.Template{}}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		t, err := template.New(name).Funcs(templateFuncs(loc)).ParseFS(assets,
			"templates/layout.html", "templates/partials.html", f)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		p.sets[name] = t
	}
	return p, nil
}

// view is what the layout sees: the page's own data under .Data.
type view struct {
	Me     *session
	CSRF   string
	Flash  string
	Path   string
	Signup bool
	Unread int // the member's unread notifications, for the badge
	Data   any
	// Map configures the map script: where tiles come from and whom they credit.
	Map mapConfig
}

// render writes page name with data, or a 500 if it fails to execute (a bug, logged).
// The page is rendered to a buffer first so a failure never leaves half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, me *session, data any) {
	t, ok := s.pages.sets[name]
	if !ok {
		s.log.Error("web template missing", "template", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	v := view{Me: me, Flash: flashes[r.URL.Query().Get("done")], Path: r.URL.Path, Signup: s.app.SignupOpen(), Data: data, Map: s.mapConfig}
	if me != nil {
		v.CSRF = me.CSRF
		v.Unread = s.unread(r, me)
	}
	if pre, ok := data.(interface{ preCSRF() string }); ok {
		v.CSRF = pre.preCSRF()
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		s.log.Error("web template failed", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// flashes are the confirmations a redirect after a successful POST may ask for with
// ?done=KEY; only these fixed texts can appear, so the parameter cannot inject anything.
var flashes = map[string]string{
	"signedup":      "Welcome! Your account is ready.",
	"site":          "Site saved.",
	"car":           "Car saved.",
	"retired":       "Car retired.",
	"maintenance":   "Maintenance block added.",
	"reserved":      "Car reserved.",
	"resCancelled":  "Reservation cancelled.",
	"offered":       "Your ride is offered.",
	"booked":        "Seat booked.",
	"requested":     "Seat requested: the driver will confirm or reject it.",
	"waitlisted":    "You are on the waitlist: you will be confirmed when a seat frees up.",
	"confirmed":     "Passenger confirmed.",
	"rejected":      "Request rejected.",
	"cancelled":     "Booking cancelled.",
	"rideCancelled": "Ride cancelled.",
	"detourChanged": "Detour saved.",
	"seriesOffered": "Your commute is offered: its rides appear a few weeks ahead.",
	"subscribed":    "You are subscribed: you are booked on each chosen day as its ride appears.",
	"unsubscribed":  "You left the commute.",
	"dayLeft":       "You left that day.",
	"daySkipped":    "Day skipped.",
	"seriesEnded":   "Commute ended.",
	"profile":       "Profile saved.",
	"password":      "Password changed. Your other sessions have ended.",
	"passwordReset": "Your new password is set and every session has ended. Sign in with it.",
	"emailPending":  "Profile saved. Open the link we mailed to the new address to start using it.",
	"sessionEnded":  "Session ended.",
	"roleChanged":   "Role changed.",
	"deactivated":   "Member deactivated; their future rides, bookings and reservations are released.",
	"reactivated":   "Member reactivated.",
	"placeSaved":    "Place saved.",
	"placeDeleted":  "Place deleted.",
}

// redirect answers a successful POST with 303 to target, with a flash message.
func redirect(w http.ResponseWriter, r *http.Request, target, done string) {
	if done != "" {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + "done=" + done
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// whenLayout is how a page shows a moment: weekday, date and time of day.
const whenLayout = "Mon 2 Jan 2006, 15:04"

// templateFuncs are the helpers templates use; times are shown in loc.
func templateFuncs(loc *time.Location) template.FuncMap {
	return template.FuncMap{
		"when":  func(t time.Time) string { return t.In(loc).Format(whenLayout) },
		"clock": func(t time.Time) string { return t.In(loc).Format("15:04") },
		"day":   func(t time.Time) string { return t.In(loc).Format("Mon 2 Jan") },
		"zone":  func() string { return loc.String() },
		// dict builds the argument of a partial: dict "F" .Form "Name" "email".
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		"km":         func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) + " km" },
		"percent":    func(f float64) float64 { return f * 100 },
		"roadFactor": func() float64 { return carpool.RoadFactor },
		"coord":      func(f float64) string { return strconv.FormatFloat(f, 'f', 6, 64) },
		"at":         atValue,
		"hours": func(d time.Duration) string {
			return strconv.FormatFloat(d.Hours(), 'f', 1, 64)
		},
	}
}

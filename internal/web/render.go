package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"

	"carpool/internal/carpool"
	"carpool/internal/locale"
)

//go:embed templates static
var assets embed.FS

// pages holds one template set per page, language and zone: the layout and the partials
// parsed together with that page's file, so each page defines its own "title" and
// "content"; each copy has helpers that say texts in its language and show times in its
// zone (html/template escapes a set when it first runs, too slow to do per request). A
// page's copy is made the first time it is rendered: a replica that serves only the API
// never pays for pages, and one that serves pages pays for those its visitors open.
type pages struct {
	mu   sync.RWMutex
	sets map[zoneKey]map[string]*template.Template
}

type zoneKey struct {
	lang language.Tag
	zone string
}

// maxZonedSets bounds the cache; past it, a rare zone's pages are made per request.
const maxZonedSets = 200

// parsedPages are the embedded templates, parsed once, when the first page is rendered.
// They are part of the binary, so a template that does not parse is a bug that the
// package's tests report (TestTemplatesParse), not a condition to handle at run time.
var parsedPages = sync.OnceValues(parsePages)

// pagesFor returns an empty cache of pages.
func pagesFor() *pages {
	return &pages{sets: map[zoneKey]map[string]*template.Template{}}
}

// page returns page name in language tag with times shown in loc, or nil when there is
// no such page.
func (p *pages) page(tag language.Tag, loc *time.Location, name string) (*template.Template, error) {
	key := zoneKey{tag, loc.String()}
	p.mu.RLock()
	t, ok := p.sets[key][name]
	p.mu.RUnlock()
	if ok {
		return t, nil
	}
	parsed, err := parsedPages()
	if err != nil {
		return nil, err
	}
	src, ok := parsed[name]
	if !ok {
		return nil, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if t, ok := p.sets[key][name]; ok {
		return t, nil
	}
	// The parsed set is never executed itself, so it can always be cloned.
	t, err = src.Clone()
	if err != nil {
		return nil, fmt.Errorf("clone template %s: %w", name, err)
	}
	t.Funcs(templateFuncs(loc, locale.For(tag)))
	if p.sets[key] == nil {
		if len(p.sets) >= maxZonedSets {
			return t, nil
		}
		p.sets[key] = make(map[string]*template.Template, len(parsed))
	}
	p.sets[key][name] = t
	return t, nil
}

// parsePages parses the layout and the partials once and each page into a copy of
// them, rather than the three files again for every page.
func parsePages() (map[string]*template.Template, error) {
	files, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse templates: %w", err)
	}
	base, err := template.New("layout").Funcs(templateFuncs(time.UTC, locale.For(locale.Default))).ParseFS(assets,
		"templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout and partials: %w", err)
	}
	sets := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		if t, err = t.ParseFS(assets, f); err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		sets[name] = t
	}
	return sets, nil
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
	// Lang is the page's language code, Langs the switch between languages that
	// visitors who are not signed in see.
	Lang  string
	Langs []langChoice
	// Map configures the map script: where tiles come from and whom they credit.
	Map mapConfig
}

// render writes page name with data, or a 500 if it fails to execute (a bug, logged).
// The page is rendered to a buffer first so a failure never leaves half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, me *session, data any) {
	p := s.printer(r, me)
	t, err := s.pages.page(p.Tag(), s.zone(me), name)
	if err != nil || t == nil {
		s.log.Error("web template missing", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	v := view{Me: me, Flash: flash(p, r.URL.Query().Get("done")), Lang: p.Code(), Path: r.URL.Path, Signup: s.app.SignupOpen(), Data: data, Map: s.mapConfig}
	if me == nil {
		v.Langs = langChoices(r, p)
	}
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
// ?done=KEY; only these fixed texts (catalogue ids flash.KEY) can appear, so the
// parameter cannot inject anything.
var flashes = map[string]bool{
	"signedup": true, "site": true, "car": true, "retired": true, "maintenance": true,
	"reserved": true, "resCancelled": true, "offered": true, "booked": true, "requested": true,
	"waitlisted": true, "confirmed": true, "rejected": true, "cancelled": true,
	"rideCancelled": true, "seriesOffered": true, "subscribed": true, "unsubscribed": true,
	"dayLeft": true, "daySkipped": true, "seriesEnded": true, "profile": true, "password": true,
	"sessionEnded": true, "roleChanged": true, "deactivated": true, "reactivated": true,
	"placeSaved": true, "placeDeleted": true, "detourChanged": true, "departureChanged": true, "passwordReset": true, "emailPending": true,
	"parking": true, "rideHomeAsked": true, "rideHomeDecided": true, "checkedIn": true, "noShow": true, "driverNoShow": true,
}

// flash says the confirmation key asks for, or "" for an unknown key.
func flash(p *locale.Printer, key string) string {
	if !flashes[key] {
		return ""
	}
	return p.T("flash." + key)
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

// templateFuncs are the helpers templates use; texts are said and values formatted by
// p, times shown in loc.
func templateFuncs(loc *time.Location, p *locale.Printer) template.FuncMap {
	return template.FuncMap{
		// t says a text of the catalogue: t "id" "Name" value ...
		"t": p.T,
		// tn says a text whose words depend on a count: tn "id" count "Name" value ...
		"tn":    p.N,
		"when":  func(t time.Time) string { return p.When(t.In(loc)) },
		"clock": func(t time.Time) string { return p.Clock(t.In(loc)) },
		"day":   func(t time.Time) string { return p.Day(t.In(loc)) },
		"date":  func(t time.Time) string { return p.Date(t.In(loc)) },
		// ondate writes a calendar day (no moment, so no zone) as the language writes dates.
		"ondate": func(d carpool.Date) string { return p.Date(time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)) },
		"zone":   func() string { return loc.String() },
		// weekday names a day, days a set of them, in the page's language.
		"weekday": p.Weekday,
		"days":    func(w carpool.Weekdays) string { return p.Weekdays(w.Has) },
		// status names a state (of a booking, car, ride, member, series) in the page's
		// language; a state the catalogue does not know shows as it is.
		"status": func(v any) string {
			id := "status." + fmt.Sprint(v)
			if t := p.T(id); t != id {
				return t
			}
			return fmt.Sprint(v)
		},
		// known says the catalogue text prefix+code (an audit code, a record type), or
		// the code itself when the catalogue has no text for it.
		"known": func(prefix, code string) string {
			if id := prefix + code; p.Has(id) {
				return p.T(id)
			}
			return code
		},
		// purge says what a retention purge's audit line records, or "" for a detail
		// that is not a purge's data (lines written before it was data).
		"purge": func(detail string) string {
			d, ok := carpool.ParsePurgeDetail(detail)
			if !ok {
				return ""
			}
			return p.T("audit.retention_detail", "Notifications", d.Notifications, "Deliveries", d.Deliveries,
				"Events", d.Events, "Audit", d.Audit, "Links", d.Links, "Messages", d.Messages, "Before", p.When(d.Before.In(loc)))
		},
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
		"km":  p.KM,
		"kg":  p.KG,
		"num": p.Number,
		"exact": func(x any) (string, error) {
			switch x := x.(type) {
			case float64:
				return p.Exact(x), nil
			case carpool.EmissionFactor:
				return p.Exact(float64(x)), nil
			}
			return "", fmt.Errorf("exact: %T is no number", x)
		},
		"percent":    p.Percent,
		"roadFactor": func() string { return p.Number(carpool.RoadFactor, 1) },
		"coord":      func(f float64) string { return strconv.FormatFloat(f, 'f', 6, 64) },
		"at":         atValue,
		"hours":      func(d time.Duration) string { return p.Number(d.Hours(), 1) },
		"zones":      func() []string { return commonZones },
	}
}

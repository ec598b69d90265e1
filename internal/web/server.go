// Package web serves carpool's server-rendered UI: html/template pages and a few static
// assets embedded in the binary, sessions in an HttpOnly cookie that holds an API token,
// CSRF protection on every form and a strict Content-Security-Policy. Every flow works
// without JavaScript; the one script only fills a field from the browser's location.
//
// Like the REST API it calls the application layer (internal/app) for every use case and
// only translates forms and pages. Times are shown and read in one configured time zone.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"golang.org/x/text/language"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/clientip"
	"carpool/internal/locale"
)

// Options configure a Server. The zero value is usable: UTC, logs discarded.
type Options struct {
	// Location is the time zone in which times are shown and form times are read.
	Location *time.Location
	// Logger receives one record per request that failed with an internal error.
	Logger *slog.Logger
	// ClientIP finds the address a sign-in came from, for throttling; the zero value
	// uses the connection's peer.
	ClientIP clientip.Resolver
	// SSO, when set, offers "Sign in with <provider>" on the sign-in page.
	SSO *SSO
	// MapTilesURL is the tile URL template of the maps ({z}/{x}/{y}); empty means
	// OpenStreetMap's. The Content-Security-Policy allows images from its origin only.
	MapTilesURL string
	// MapAttribution credits the tiles' source on every map.
	MapAttribution string
	// Language is the language of visitors whose browser asks for none that carpool
	// speaks; the zero value is English.
	Language language.Tag
}

// Server is the web UI. It is an http.Handler for every path outside /api/.
type Server struct {
	app     *app.App
	loc     *time.Location
	log     *slog.Logger
	now     func() time.Time
	client  clientip.Resolver
	sso     *SSO
	pages   *pages
	handler http.Handler
	lang    language.Tag

	mapConfig mapConfig
	csp       string
}

// NewServer returns the UI over the use cases of a.
func NewServer(a *app.App, opts Options) *Server {
	s := &Server{app: a, loc: opts.Location, log: opts.Logger, now: a.Now, client: opts.ClientIP, sso: opts.SSO, lang: opts.Language}
	if s.loc == nil {
		s.loc = time.UTC
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.lang == (language.Tag{}) {
		s.lang = locale.Default
	}
	s.pages = pagesFor()
	s.mapConfig, s.csp = newMapConfig(opts.MapTilesURL, opts.MapAttribution)
	mux := &routeMux{ServeMux: http.NewServeMux()}
	mux.refuse = s.refuse
	s.routes(mux)
	// CrossOriginProtection refuses cross-site POSTs by the Sec-Fetch-Site and Origin
	// headers that every current browser sends; the CSRF token covers older ones.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.forbidden(w, r, nil, "error.cross_site")
	}))
	s.handler = securityHeaders(s.csp, s.chooseLanguage(cop.Handler(mux)))
	return s
}

// ServeHTTP answers a request for a page or an asset.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// ContentSecurityPolicy is sent with every response: no inline script or style, nothing
// from other origins but the map tiles' (see MapCSP), forms post only to this site, no
// framing.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

func securityHeaders(csp string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// page is a handler of a signed-in member's request; failures it returns are rendered
// as an error page by fail.
type page func(w http.ResponseWriter, r *http.Request, me *session) error

// fail renders err: domain errors as the page their code calls for, anything else as a
// generic 500 that is logged here, once.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, me *session, err error) {
	status := app.HTTPStatus(err)
	p := s.printer(r, me)
	msg := p.Error(err)
	switch carpool.ErrorCode(err) {
	case carpool.ENOTFOUND:
		msg = p.T("error.not_found")
	case carpool.EUNAUTHORIZED:
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	case carpool.EINTERNAL:
		msg = p.T("error.internal")
		if !errors.Is(err, context.Canceled) {
			s.log.Error("web request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		}
	}
	s.render(w, r, status, "error", me, errorPage{Title: statusTitle(p, status), Message: msg})
}

type errorPage struct {
	Title   string
	Message string
}

// forbidden answers a refused form (no or wrong CSRF token, cross-site post) with 403
// and the text id says why.
func (s *Server) forbidden(w http.ResponseWriter, r *http.Request, me *session, id string) {
	p := s.printer(r, me)
	s.render(w, r, http.StatusForbidden, "error", me, errorPage{Title: statusTitle(p, http.StatusForbidden), Message: p.T(id)})
}

// statusTitle names an HTTP status in p's language; the catalogue has the statuses
// the UI answers with, any other keeps Go's English name.
func statusTitle(p *locale.Printer, status int) string {
	id := "http." + strconv.Itoa(status)
	if t := p.T(id); t != id {
		return t
	}
	return http.StatusText(status)
}

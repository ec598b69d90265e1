package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	qr "github.com/piglig/go-qr"

	"carpool/internal/carpool"
)

// Check-in in the web: the ride page's button (the browser's position, or the fields
// typed by hand when the browser may not tell it), the page a site's QR code opens, the
// driver's "not there" button, and the printable code for fleet managers to put up.

func (s *Server) checkInRoutes(mux *routeMux) {
	mux.Handle("POST /rides/{id}/check-in", s.signedIn(s.checkIn))
	mux.Handle("GET /check-in", s.signedIn(s.codeCheckIn))
	mux.Handle("GET /profile/attestation", s.signedIn(s.attestation))
	mux.Handle("GET /fleet/sites/{id}/check-in-code", s.signedIn(fleetOnly(carpool.Phrasef("show a site's check-in code"), s.siteCodePage)))
}

// checkIn checks the member in with a site's code, or with the position the page sent.
func (s *Server) checkIn(w http.ResponseWriter, r *http.Request, me *session) error {
	id := r.PathValue("id")
	var err error
	if code := r.PostFormValue("code"); code != "" {
		_, err = s.app.CheckInByCode(r.Context(), me.Member, id, code)
	} else {
		f := copyInputs(r, "lat", "lon")
		lat, lon := f.float("lat", "field.lat"), f.float("lon", "field.lon")
		if !f.Valid() {
			return s.showRide(w, r, me, id, f, http.StatusUnprocessableEntity)
		}
		_, err = s.app.CheckIn(r.Context(), me.Member, id, lat, lon)
	}
	if err != nil {
		return s.rideRefused(w, r, me, id, err)
	}
	redirect(w, r, "/rides/"+url.PathEscape(id), "checkedIn")
	return nil
}

type codeCheckInPage struct {
	Site  carpool.Site
	Rides []carpool.Ride
	Code  string
}

// codeCheckIn is where a site's QR code leads: the member's rides open for check-in,
// each with a button that checks in with the code.
func (s *Server) codeCheckIn(w http.ResponseWriter, r *http.Request, me *session) error {
	code := r.URL.Query().Get("code")
	site, rides, err := s.app.CodeRides(r.Context(), me.Member, code)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "checkin_code", me, codeCheckInPage{Site: site, Rides: rides, Code: code})
	return nil
}

type siteCodePage struct {
	Site carpool.Site
	Day  carpool.Date
	URL  string
	QR   template.HTML
}

// siteCodePage shows today's code of a site as a QR code to print and put up.
func (s *Server) siteCodePage(w http.ResponseWriter, r *http.Request, me *session) error {
	site, day, code, err := s.app.SiteCode(r.Context(), me.Member, r.PathValue("id"))
	if err != nil {
		return err
	}
	link := publicOrigin(r) + "/check-in?code=" + url.QueryEscape(code)
	svg, err := qrSVG(link)
	if err != nil {
		return fmt.Errorf("site check-in code: %w", err)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "site_code", me, siteCodePage{Site: site, Day: day, URL: link, QR: svg})
	return nil
}

// publicOrigin is the scheme and host the request came to, as a phone scanning the
// code must reach the same deployment.
func publicOrigin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// qrSVG draws text as a QR code in SVG, one path of unit squares with a quiet zone of
// four modules, so it prints sharp at any size and needs no script.
func qrSVG(text string) (template.HTML, error) {
	code, err := qr.EncodeText(text, qr.Medium)
	if err != nil {
		return "", err
	}
	n := code.Size()
	var path strings.Builder
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if code.Module(x, y) {
				fmt.Fprintf(&path, "M%d,%dh1v1h-1z", x+4, y+4)
			}
		}
	}
	size := n + 8
	// The path holds digits and fixed letters only: nothing of text reaches the markup.
	return template.HTML(fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" class="qr" role="img" aria-label="QR code" shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/><path d="%s" fill="#000"/></svg>`,
		size, size, size, size, path.String())), nil
}

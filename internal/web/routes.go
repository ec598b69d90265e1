package web

import (
	"io/fs"
	"net/http"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/paramguard"
)

// refuse shows the error page for a request paramguard refused: not found for a path
// value that cannot exist, a bad request for a malformed query value. It reads no
// session, so the refused value reaches nothing behind it.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, refusal *paramguard.Refusal) {
	p := s.printer(r, nil)
	msg := p.T("error.bad_parameter")
	if refusal.Status == http.StatusNotFound {
		msg = p.T("error.not_found")
	}
	s.render(w, r, refusal.Status, "error", nil, errorPage{Title: statusTitle(p, refusal.Status), Message: msg})
}

// routes lists every page and form of the UI. Reads are GET; everything that changes
// something is a POST that signedIn checks for the CSRF token.
func (s *Server) routes(mux *routeMux) {
	static, _ := fs.Sub(assets, "static") // the embedded tree always has it
	files := http.FileServerFS(static)
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheFor(files)))

	mux.HandleFunc("GET /signin", s.signInForm)
	mux.HandleFunc("POST /signin", s.signIn)
	mux.HandleFunc("GET /signup", s.signUpForm)
	mux.HandleFunc("POST /signup", s.signUp)
	mux.Handle("POST /signout", s.reaching(carpool.ReachOwnSession, s.signOut))
	mux.HandleFunc("GET "+app.ForgotPasswordPath, s.forgotForm)
	mux.HandleFunc("POST "+app.ForgotPasswordPath, s.forgotPassword)
	mux.HandleFunc("GET "+app.PasswordResetPath, s.resetForm)
	mux.HandleFunc("POST "+app.PasswordResetPath, s.resetPassword)
	mux.HandleFunc("GET "+app.EmailConfirmPath, s.confirmEmailForm)
	mux.HandleFunc("POST "+app.EmailConfirmPath, s.confirmEmail)
	if s.sso != nil {
		mux.HandleFunc("GET "+ssoPath+"start", s.ssoStart)
		mux.HandleFunc("GET "+ssoPath+"callback", s.ssoCallback)
	}

	mux.Handle("GET /{$}", s.signedIn(s.home))

	mux.Handle("GET /rides", s.signedIn(s.findRides))
	mux.Handle("GET /rides/new", s.signedIn(s.offerForm))
	mux.Handle("POST /rides", s.signedIn(s.offerRide))
	mux.Handle("GET /rides/{id}", s.signedIn(s.rideDetail))
	mux.Handle("POST /rides/{id}/book", s.signedIn(s.book))
	mux.Handle("POST /rides/{id}/cancel", s.signedIn(s.cancelRide))
	mux.Handle("POST /rides/{id}/detour", s.signedIn(s.changeDetour))
	mux.Handle("POST /rides/{id}/departure", s.signedIn(s.changeDeparture))
	mux.Handle("POST /rides/{id}/messages", s.signedIn(s.postMessage))
	mux.Handle("POST /bookings/{id}/{action}", s.signedIn(s.bookingAction))

	mux.Handle("GET /cars", s.signedIn(s.poolCars))
	mux.Handle("GET /cars/{id}", s.signedIn(s.carAvailability))
	mux.Handle("POST /cars/{id}/reserve", s.signedIn(s.reserve))
	mux.Handle("POST /reservations/{id}/cancel", s.signedIn(s.cancelReservation))

	mux.Handle("GET /places", s.signedIn(s.myPlaces))
	mux.Handle("POST /places", s.signedIn(s.addPlace))
	mux.Handle("POST /places/{id}/delete", s.signedIn(s.deletePlace))
	s.commuteRoutes(mux)

	mux.Handle("GET /mycars", s.signedIn(s.myCars))
	mux.Handle("POST /mycars", s.signedIn(s.addMyCar))

	mux.Handle("GET /profile", s.signedIn(s.profile))
	mux.Handle("POST /profile", s.signedIn(s.saveProfile))
	mux.Handle("POST /profile/password", s.signedIn(s.changePassword))
	mux.Handle("POST /profile/sessions/{id}/revoke", s.signedIn(s.revokeSession))
	mux.Handle("GET /profile/export", s.signedIn(s.exportData))
	mux.Handle("POST /profile/erase", s.signedIn(s.eraseAccount))

	mux.Handle("GET /admin/members", s.signedIn(s.adminMembers))
	mux.Handle("POST /admin/members/{id}/{action}", s.signedIn(s.memberAction))
	mux.Handle("GET /admin/audit", s.signedIn(s.adminAudit))

	mux.Handle("GET /fleet", s.signedIn(fleetOnly(carpool.Phrasef("manage the fleet"), s.fleet)))
	mux.Handle("POST /fleet/sites", s.signedIn(fleetOnly(carpool.Phrasef("add sites"), s.createSite)))
	mux.Handle("GET /fleet/sites/{id}", s.signedIn(fleetOnly(carpool.Phrasef("change sites"), s.editSiteForm)))
	mux.Handle("POST /fleet/sites/{id}", s.signedIn(fleetOnly(carpool.Phrasef("change sites"), s.editSite)))
	mux.Handle("POST /fleet/cars", s.signedIn(fleetOnly(carpool.Phrasef("add pool cars"), s.createCar)))
	mux.Handle("GET /fleet/cars/{id}", s.signedIn(fleetOnly(carpool.Phrasef("manage the fleet"), s.editCarForm)))
	mux.Handle("POST /fleet/cars/{id}", s.signedIn(fleetOnly(carpool.Phrasef("manage the fleet"), s.editCar)))
	mux.Handle("POST /fleet/cars/{id}/maintenance", s.signedIn(fleetOnly(carpool.Phrasef("manage the fleet"), s.blockCar)))
	mux.Handle("POST /fleet/cars/{id}/retire", s.signedIn(fleetOnly(carpool.Phrasef("manage the fleet"), s.retireCar)))
	mux.Handle("GET /fleet/reports", s.signedIn(fleetOnly(carpool.Phrasef("see reports"), s.fleetReport)))
	mux.Handle("GET /fleet/reports/{table}", s.signedIn(fleetOnly(carpool.Phrasef("see reports"), s.fleetReportCSV)))
	mux.Handle("GET /fleet/utilisation", s.signedIn(fleetOnly(carpool.Phrasef("see the utilisation report"), s.utilisation)))
	mux.Handle("GET /fleet/no-shows", s.signedIn(fleetOnly(carpool.Phrasef("see no-shows"), s.noShows)))

	s.parkingRoutes(mux)
	s.rideHomeRoutes(mux)
	s.checkInRoutes(mux)
	s.notificationRoutes(mux)

	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		me, _ := s.currentSession(r)
		s.fail(w, r, me, carpool.Errorf(carpool.ENOTFOUND, "no such page"))
	})
}

// Routes returns the pattern of every route the UI registers, the optional ones (single
// sign-on, notifications) included, for the tests that must cover each one.
func Routes() []string {
	mux := &routeMux{ServeMux: http.NewServeMux()}
	(&Server{sso: &SSO{}}).routes(mux)
	return mux.patterns
}

// routeMux is the ServeMux the UI's routes are registered on; it keeps their patterns
// for Routes.
type routeMux struct {
	*http.ServeMux
	patterns []string
	// refuse, when set, answers a request paramguard refuses; every route is then
	// registered behind the guard, so no handler or store sees such a value.
	refuse func(http.ResponseWriter, *http.Request, *paramguard.Refusal)
}

func (m *routeMux) Handle(pattern string, h http.Handler) {
	m.patterns = append(m.patterns, pattern)
	if m.refuse != nil {
		next := h
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if refusal := paramguard.Check(r); refusal != nil {
				m.refuse(w, r, refusal)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	m.ServeMux.Handle(pattern, h)
}

func (m *routeMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	m.Handle(pattern, http.HandlerFunc(h))
}

// cacheFor lets browsers keep the small static assets for an hour.
func cacheFor(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

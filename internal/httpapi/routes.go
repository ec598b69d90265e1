package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"carpool/api"
	"carpool/internal/carpool"
)

// routes lists every endpoint of the API; api/openapi.yaml describes the same set.
func (s *Server) routes() {
	s.mux.HandleFunc("GET /api/openapi.yaml", s.serveOpenAPI)

	s.mux.Handle("POST /api/v1/members", s.anonymous(s.idempotent(s.signUp)))
	s.mux.Handle("GET /api/v1/me", s.authed(s.getMe))
	s.mux.Handle("PATCH /api/v1/me", s.authed(s.patchMe))
	s.mux.Handle("POST /api/v1/me/password", s.authed(s.changePassword))
	s.mux.Handle("GET /api/v1/me/sessions", s.authed(s.listSessions))
	s.mux.Handle("DELETE /api/v1/me/sessions/{id}", s.authed(s.revokeSession))
	s.mux.Handle("GET /api/v1/me/export", s.authed(s.exportMe))
	s.mux.Handle("POST /api/v1/me/erase", s.authed(s.eraseMe))

	s.mux.Handle("GET /api/v1/members", s.authed(s.listMembers))
	s.mux.Handle("GET /api/v1/members/{id}", s.authed(s.getMember))
	s.mux.Handle("POST /api/v1/members/{id}/role", s.authed(s.setRole))
	s.mux.Handle("POST /api/v1/members/{id}/deactivate", s.authed(s.deactivateMember))
	s.mux.Handle("POST /api/v1/members/{id}/reactivate", s.authed(s.reactivateMember))
	s.mux.Handle("POST /api/v1/members/{id}/erase", s.authed(s.eraseMember))
	s.mux.Handle("GET /api/v1/audit", s.authed(s.listAudit))
	s.mux.Handle("GET /api/v1/reports", s.authed(s.getReport))

	s.mux.Handle("POST /api/v1/password/forgot", s.anonymous(s.forgotPassword))
	s.mux.Handle("POST /api/v1/password/reset", s.anonymous(s.resetPassword))
	s.mux.Handle("POST /api/v1/email/confirm", s.anonymous(s.confirmEmail))

	s.mux.Handle("POST /api/v1/tokens", s.anonymous(s.createToken))
	s.mux.Handle("DELETE /api/v1/tokens/current", s.reaching(carpool.ReachOwnSession, s.deleteCurrentToken))

	s.mux.Handle("GET /api/v1/sites", s.authed(s.listSites))
	s.mux.Handle("POST /api/v1/sites", s.authed(s.idempotent(s.createSite)))
	s.mux.Handle("GET /api/v1/sites/{id}", s.authed(s.getSite))
	s.mux.Handle("PATCH /api/v1/sites/{id}", s.authed(s.patchSite))

	s.mux.Handle("GET /api/v1/cars", s.authed(s.listCars))
	s.mux.Handle("POST /api/v1/cars", s.authed(s.idempotent(s.createCar)))
	s.mux.Handle("GET /api/v1/cars/{id}", s.authed(s.getCar))
	s.mux.Handle("PATCH /api/v1/cars/{id}", s.authed(s.patchCar))
	s.mux.Handle("DELETE /api/v1/cars/{id}", s.authed(s.retireCar))

	s.mux.Handle("GET /api/v1/cars/{id}/reservations", s.authed(s.listCarReservations))
	s.mux.Handle("POST /api/v1/cars/{id}/reservations", s.authed(s.idempotentInOneCommit(s.createReservation)))
	s.mux.Handle("GET /api/v1/reservations", s.authed(s.listMyReservations))
	s.mux.Handle("GET /api/v1/reservations/{id}", s.authed(s.getReservation))
	s.mux.Handle("POST /api/v1/reservations/{id}/cancel", s.authed(s.cancelReservation))

	s.mux.Handle("GET /api/v1/rides", s.authed(s.listRides))
	s.mux.Handle("POST /api/v1/rides", s.authed(s.idempotentInOneCommit(s.createRide)))
	s.mux.Handle("GET /api/v1/rides/{id}", s.authed(s.getRide))
	s.mux.Handle("PATCH /api/v1/rides/{id}", s.authed(s.patchRide))
	s.mux.Handle("POST /api/v1/rides/{id}/cancel", s.authed(s.cancelRide))

	s.mux.Handle("POST /api/v1/rides/{id}/bookings", s.authed(s.idempotentInOneCommit(s.bookSeats)))
	s.mux.Handle("GET /api/v1/bookings", s.authed(s.listMyBookings))
	s.mux.Handle("GET /api/v1/bookings/{id}", s.authed(s.getBooking))
	s.mux.Handle("POST /api/v1/bookings/{id}/cancel", s.authed(s.cancelBooking))
	s.mux.Handle("POST /api/v1/bookings/{id}/confirm", s.authed(s.confirmBooking))
	s.mux.Handle("POST /api/v1/bookings/{id}/reject", s.authed(s.rejectBooking))
	s.mux.Handle("GET /api/v1/bookings/{id}/alternatives", s.authed(s.listAlternatives))

	s.mux.Handle("GET /api/v1/places", s.authed(s.listPlaces))
	s.mux.Handle("POST /api/v1/places", s.authed(s.idempotent(s.createPlace)))
	s.mux.Handle("GET /api/v1/places/search", s.authed(s.searchAddress))
	s.mux.Handle("GET /api/v1/places/{id}", s.authed(s.getPlace))
	s.mux.Handle("PATCH /api/v1/places/{id}", s.authed(s.patchPlace))
	s.mux.Handle("DELETE /api/v1/places/{id}", s.authed(s.deletePlace))
	s.seriesRoutes()
	s.messageRoutes()

	s.notificationRoutes()
	s.partnerRoutes()
	s.parkingRoutes()
	s.rideHomeRoutes()
	s.proofRoutes()
	s.noShowRoutes()
	s.poolCarRoutes()
}

// openAPIETag names this build's description, so that a client (or a linter fetching it
// over and over) can ask again with If-None-Match and get 304 instead of the whole file.
var openAPIETag = func() string {
	sum := sha256.Sum256(api.OpenAPI)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}()

// serveOpenAPI answers conditional requests: 304 for an If-None-Match naming this
// version, 412 for an If-Match naming only others (a client that must not act on a
// description it has not seen).
func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("ETag", openAPIETag)
	if m := r.Header.Get("If-Match"); m != "" && !etagListHas(m, openAPIETag) {
		s.fail(w, r, &requestError{status: http.StatusPreconditionFailed, code: "precondition_failed",
			msg: "If-Match names another version of the API description than " + openAPIETag})
		return
	}
	if etagListHas(r.Header.Get("If-None-Match"), openAPIETag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/yaml")
	_, _ = w.Write(api.OpenAPI)
}

// etagListHas tells whether a list of entity tags (If-Match, If-None-Match) names etag
// or is "*"; weak tags match their strong twin, as a GET may compare them.
func etagListHas(list, etag string) bool {
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

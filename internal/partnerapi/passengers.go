package partnerapi

import (
	"net/http"
	"time"

	"carpool/internal/carpool"
)

// carpool has no passenger requests: members search and book offered rides. The
// passenger searches answer the standard's valid empty list, after checking their
// parameters as the driver searches do, so a partner's client that sends a bad query
// learns it here and not on the day carpool starts to answer with trips.

func (s *Server) passengerJourneys(w http.ResponseWriter, r *http.Request, _ carpool.Partner) error {
	search, err := parseSearch(r.URL.Query())
	_, _, _, domain := search.Query(time.Now())
	if err := carpool.JoinInvalid(err, domain); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, []struct{}{})
	return nil
}

func (s *Server) passengerRegularTrips(w http.ResponseWriter, r *http.Request, _ carpool.Partner) error {
	search, err := parseTripSearch(r.URL.Query())
	_, domain := search.Normalize(time.Now())
	if err := carpool.JoinInvalid(err, domain); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, []struct{}{})
	return nil
}

// postBooking answers 501: booking happens by deep link (webUrl), where a member signs
// in; bookings made by a partner on a member's behalf are not designed yet.
func (s *Server) postBooking(w http.ResponseWriter, _ *http.Request, _ carpool.Partner) error {
	writeError(w, http.StatusNotImplemented, "carpool takes bookings by deep link only: open the journey's webUrl, where a member signs in and books")
	return nil
}

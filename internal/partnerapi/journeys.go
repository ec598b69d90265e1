package partnerapi

import (
	"math"
	"net/http"
	"net/url"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// driverJourney is the standard's DriverJourney, in the subset carpool fills. Every
// field is the standard's name and type; none can hold a name, phone or e-mail.
type driverJourney struct {
	ID                  string  `json:"id"`
	Operator            string  `json:"operator"`
	Driver              user    `json:"driver"`
	PassengerPickupLat  float64 `json:"passengerPickupLat"`
	PassengerPickupLng  float64 `json:"passengerPickupLng"`
	PassengerDropLat    float64 `json:"passengerDropLat"`
	PassengerDropLng    float64 `json:"passengerDropLng"`
	DriverDepartureLat  float64 `json:"driverDepartureLat"`
	DriverDepartureLng  float64 `json:"driverDepartureLng"`
	DriverArrivalLat    float64 `json:"driverArrivalLat"`
	DriverArrivalLng    float64 `json:"driverArrivalLng"`
	Distance            int     `json:"distance"`
	Duration            int     `json:"duration"`
	PassengerPickupDate int64   `json:"passengerPickupDate"`
	DriverDepartureDate int64   `json:"driverDepartureDate"`
	WebURL              string  `json:"webUrl"`
	Type                string  `json:"type"`
	AvailableSeats      int     `json:"availableSeats"`
	Price               price   `json:"price"`
}

// user is the standard's User: id and alias are the partner's alias of the driver.
type user struct {
	ID       string `json:"id"`
	Operator string `json:"operator"`
	Alias    string `json:"alias"`
}

// price: company carpooling costs the passenger nothing.
type price struct {
	Type string `json:"type"`
}

func (s *Server) driverJourneys(w http.ResponseWriter, r *http.Request, p carpool.Partner) error {
	search, err := parseSearch(r.URL.Query())
	if err != nil {
		// Report the domain's refusals (a missing end, say) with the unreadable values,
		// so one answer names every parameter at fault.
		_, _, _, domain := search.Query(time.Now())
		return carpool.JoinInvalid(err, domain)
	}
	found, err := s.app.DriverJourneys(r.Context(), p, search)
	if err != nil {
		return err
	}
	out := make([]driverJourney, len(found))
	for i, j := range found {
		out[i] = s.journeyOut(j)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) journeyOut(j app.PartnerJourney) driverJourney {
	return driverJourney{
		ID:                 j.RideID,
		Operator:           s.operator,
		Driver:             user{ID: j.DriverAlias, Operator: s.operator, Alias: j.DriverAlias},
		PassengerPickupLat: j.Pickup.Lat, PassengerPickupLng: j.Pickup.Lon,
		PassengerDropLat: j.Dropoff.Lat, PassengerDropLng: j.Dropoff.Lon,
		DriverDepartureLat: j.From.Lat, DriverDepartureLng: j.From.Lon,
		DriverArrivalLat: j.To.Lat, DriverArrivalLng: j.To.Lon,
		Distance:            int(math.Round(j.DistanceKM * 1000)),
		Duration:            int(j.Duration / time.Second),
		PassengerPickupDate: j.PickupAt.Unix(), DriverDepartureDate: j.DepartAt.Unix(),
		WebURL:         s.url + "/rides/" + url.PathEscape(j.RideID),
		Type:           "PLANNED",
		AvailableSeats: j.FreeSeats,
		Price:          price{Type: "FREE"},
	}
}

// parseSearch reads the standard's query parameters, naming every one at fault at once.
func parseSearch(q url.Values) (carpool.PartnerSearch, error) {
	p := params{q: q}
	s := carpool.PartnerSearch{
		From: p.point("departureLat", "departureLng"),
		To:   p.point("arrivalLat", "arrivalLng"),
	}
	if v, ok := p.unix("departureDate"); ok {
		s.DepartAt = v
	}
	s.TimeDelta = p.seconds("timeDelta", carpool.MaxPartnerTimeDelta)
	s.FromRadiusKM, s.ToRadiusKM = p.radius("departureRadius"), p.radius("arrivalRadius")
	s.Count = p.count()
	return s, p.err()
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "carpool.invalid"
	}
	return u.Hostname()
}

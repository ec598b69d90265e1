package partnerapi

import (
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// driverJourney is the standard's DriverJourney, in the subset carpool fills. Every
// field is the standard's name and type; none can hold a name, phone or e-mail.
type driverJourney struct {
	ID                  string  `json:"id"`
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
		_, _, domain := search.Query(time.Now())
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
	depart := j.DepartAt.Unix()
	return driverJourney{
		ID:                 j.RideID,
		Driver:             user{ID: j.DriverAlias, Operator: s.operator, Alias: j.DriverAlias},
		PassengerPickupLat: j.From.Lat, PassengerPickupLng: j.From.Lon,
		PassengerDropLat: j.To.Lat, PassengerDropLng: j.To.Lon,
		DriverDepartureLat: j.From.Lat, DriverDepartureLng: j.From.Lon,
		DriverArrivalLat: j.To.Lat, DriverArrivalLng: j.To.Lon,
		Distance:            int(math.Round(j.DistanceKM * 1000)),
		Duration:            int(j.Duration / time.Second),
		PassengerPickupDate: depart, DriverDepartureDate: depart,
		WebURL:         s.url + "/rides/" + url.PathEscape(j.RideID),
		Type:           "PLANNED",
		AvailableSeats: j.FreeSeats,
		Price:          price{Type: "FREE"},
	}
}

// parseSearch reads the standard's query parameters, naming every one at fault at once.
func parseSearch(q url.Values) (carpool.PartnerSearch, error) {
	var s carpool.PartnerSearch
	var errs []error
	num := func(name string) (float64, bool) {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return 0, false
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			errs = append(errs, carpool.FieldErrorf(carpool.EINVALID, name, "%s must be a number", name))
			return 0, false
		}
		return f, true
	}
	integer := func(name string) (int64, bool) {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			return 0, false
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			errs = append(errs, carpool.FieldErrorf(carpool.EINVALID, name, "%s must be an integer", name))
			return 0, false
		}
		return n, true
	}
	point := func(latName, lngName string) *carpool.Point {
		lat, okLat := num(latName)
		lng, okLng := num(lngName)
		if !okLat || !okLng {
			return nil
		}
		return &carpool.Point{Lat: lat, Lon: lng}
	}
	s.From = point("departureLat", "departureLng")
	s.To = point("arrivalLat", "arrivalLng")
	if v, ok := integer("departureDate"); ok {
		if v < 0 || v > 1<<40 {
			errs = append(errs, carpool.FieldErrorf(carpool.EINVALID, "departureDate", "departureDate must be UNIX seconds"))
		} else {
			s.DepartAt = time.Unix(v, 0).UTC()
		}
	}
	if v, ok := integer("timeDelta"); ok {
		if v <= 0 || v > int64(carpool.MaxPartnerTimeDelta/time.Second) {
			errs = append(errs, carpool.FieldErrorf(carpool.EINVALID, "timeDelta", "timeDelta must be between 1 and %d seconds", int64(carpool.MaxPartnerTimeDelta/time.Second)))
		} else {
			s.TimeDelta = time.Duration(v) * time.Second
		}
	}
	if v, ok := num("departureRadius"); ok {
		s.FromRadiusKM = v
		if v <= 0 {
			errs = append(errs, carpool.FieldErrorf(carpool.EINVALID, "departureRadius", "departureRadius must be positive"))
		}
	}
	if v, ok := num("arrivalRadius"); ok {
		s.ToRadiusKM = v
		if v <= 0 {
			errs = append(errs, carpool.FieldErrorf(carpool.EINVALID, "arrivalRadius", "arrivalRadius must be positive"))
		}
	}
	if v, ok := integer("count"); ok {
		if v < 1 || v > 1<<20 {
			errs = append(errs, carpool.FieldErrorf(carpool.EINVALID, "count", "count must be a positive integer"))
		} else {
			s.Count = int(v)
		}
	}
	if err := carpool.JoinInvalid(errs...); err != nil {
		return s, err
	}
	return s, nil
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "carpool.invalid"
	}
	return u.Hostname()
}

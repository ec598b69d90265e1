package partnerapi

import (
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// driverTrip is the standard's answer item for driver_regular_trips: a DriverTrip with
// its schedules, in the subset carpool fills. Like driverJourney, no field can hold a
// name, phone or e-mail. The standard's DriverTrip has no id: webUrl names the commute.
type driverTrip struct {
	Operator           string     `json:"operator"`
	Driver             user       `json:"driver"`
	PassengerPickupLat float64    `json:"passengerPickupLat"`
	PassengerPickupLng float64    `json:"passengerPickupLng"`
	PassengerDropLat   float64    `json:"passengerDropLat"`
	PassengerDropLng   float64    `json:"passengerDropLng"`
	DriverDepartureLat float64    `json:"driverDepartureLat"`
	DriverDepartureLng float64    `json:"driverDepartureLng"`
	DriverArrivalLat   float64    `json:"driverArrivalLat"`
	DriverArrivalLng   float64    `json:"driverArrivalLng"`
	Distance           int        `json:"distance"`
	Duration           int        `json:"duration"`
	WebURL             string     `json:"webUrl"`
	Schedules          []schedule `json:"schedules"`
}

// schedule is the standard's Schedule: one weekday of the commute, the pickup's local
// time of day, and the dated departures of that weekday in the asked window.
type schedule struct {
	PassengerPickupDay       string            `json:"passengerPickupDay"`
	PassengerPickupTimeOfDay string            `json:"passengerPickupTimeOfDay"`
	JourneySchedules         []journeySchedule `json:"journeySchedules"`
}

// journeySchedule is the standard's JourneySchedule: one day's departure.
type journeySchedule struct {
	ID                  string `json:"id"`
	PassengerPickupDate int64  `json:"passengerPickupDate"`
	DriverDepartureDate int64  `json:"driverDepartureDate"`
	WebURL              string `json:"webUrl"`
	Type                string `json:"type"`
}

func (s *Server) driverRegularTrips(w http.ResponseWriter, r *http.Request, p carpool.Partner) error {
	search, err := parseTripSearch(r.URL.Query())
	if err != nil {
		// As for driver_journeys: the domain's refusals too, in the same answer.
		_, domain := search.Normalize(time.Now())
		return carpool.JoinInvalid(err, domain)
	}
	found, err := s.app.DriverRegularTrips(r.Context(), p, search)
	if err != nil {
		return err
	}
	out := make([]driverTrip, len(found))
	for i, t := range found {
		out[i] = s.tripOut(t)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) tripOut(t app.PartnerTrip) driverTrip {
	page := s.url + "/commutes/" + url.PathEscape(t.SeriesID)
	out := driverTrip{
		Operator:           s.operator,
		Driver:             user{ID: t.DriverAlias, Operator: s.operator, Alias: t.DriverAlias},
		PassengerPickupLat: t.Pickup.Lat, PassengerPickupLng: t.Pickup.Lon,
		PassengerDropLat: t.Dropoff.Lat, PassengerDropLng: t.Dropoff.Lon,
		DriverDepartureLat: t.From.Lat, DriverDepartureLng: t.From.Lon,
		DriverArrivalLat: t.To.Lat, DriverArrivalLng: t.To.Lon,
		Distance:  int(math.Round(t.DistanceKM * 1000)),
		Duration:  int(t.Duration / time.Second),
		WebURL:    page,
		Schedules: []schedule{},
	}
	index := map[time.Weekday]int{}
	// Monday first, as the standard lists days.
	for i := 1; i <= 7; i++ {
		day := time.Weekday(i % 7)
		if !t.Weekdays.Has(day) {
			continue
		}
		index[day] = len(out.Schedules)
		out.Schedules = append(out.Schedules, schedule{
			PassengerPickupDay:       strings.ToUpper(day.String()[:3]),
			PassengerPickupTimeOfDay: t.PickupTime.String() + ":00",
			JourneySchedules:         []journeySchedule{},
		})
	}
	for _, at := range t.Departures {
		// The weekday of the commute's own calendar, not of UTC.
		local := at.In(t.Location)
		i, ok := index[local.Weekday()]
		if !ok {
			continue
		}
		sc := &out.Schedules[i]
		sc.JourneySchedules = append(sc.JourneySchedules, journeySchedule{
			ID:                  t.SeriesID + ":" + local.Format(time.DateOnly),
			PassengerPickupDate: at.Add(t.PickupAfter).Unix(),
			DriverDepartureDate: at.Unix(),
			WebURL:              page,
			Type:                "PLANNED",
		})
	}
	return out
}

// parseTripSearch reads driver_regular_trips' parameters, naming every one at fault.
func parseTripSearch(q url.Values) (carpool.PartnerTripSearch, error) {
	p := params{q: q}
	s := carpool.PartnerTripSearch{
		From:      p.point("departureLat", "departureLng"),
		To:        p.point("arrivalLat", "arrivalLng"),
		TimeOfDay: p.timeOfDay("departureTimeOfDay"),
		Weekdays:  p.weekdays("departureWeekdays"),
		TimeDelta: p.seconds("timeDelta", carpool.MaxPartnerTripDelta),
	}
	s.FromRadiusKM, s.ToRadiusKM = p.radius("departureRadius"), p.radius("arrivalRadius")
	s.MinDepartAt, _ = p.unix("minDepartureDate")
	s.MaxDepartAt, _ = p.unix("maxDepartureDate")
	s.Count = p.count()
	return s, p.err()
}

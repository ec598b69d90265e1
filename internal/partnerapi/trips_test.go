package partnerapi_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/partnerapi"
)

// commuteStart is the first day of the test commutes: far enough ahead that "today" in
// any zone is before it.
var commuteStart = carpool.DateOf(time.Now().UTC()).AddDays(3)

func (f *fixture) commute(driver carpool.Member, sharing carpool.PartnerSharing) carpool.Series {
	carSeats := 5
	car, err := f.app.CreateCar(f.ctx, driver, app.CarInput{Kind: carpool.CarPrivate, Plate: fmt.Sprintf("BE %d", seq.Add(1)), Make: "VW", Model: "Golf", Seats: &carSeats})
	if err != nil {
		f.t.Fatal(err)
	}
	sr, err := f.app.OfferSeries(f.ctx, driver, carpool.SeriesInput{CarID: car.ID, From: zurich, To: bern,
		Weekdays: carpool.WorkWeek, DepartTime: carpool.Clock{Hour: 7, Minute: 30}, TimeZone: "Europe/Zurich",
		Seats: 3, BookingMode: carpool.BookingInstant, StartsOn: commuteStart, Sharing: sharing})
	if err != nil {
		f.t.Fatal(err)
	}
	return sr
}

func (f *fixture) rideSharing(driver carpool.Member, sharing carpool.PartnerSharing) carpool.Ride {
	r := f.ride(driver, 3)
	if _, err := f.app.UpdateRide(f.ctx, driver, r.ID, 0, carpool.RidePatch{Sharing: &sharing}); err != nil {
		f.t.Fatal(err)
	}
	return r
}

// tripSearch is a driver_regular_trips query from near Zurich to near Bern at 07:35.
func tripSearch(extra string) string {
	q := url.Values{}
	q.Set("departureLat", "47.3785")
	q.Set("departureLng", "8.5400")
	q.Set("arrivalLat", "46.9485")
	q.Set("arrivalLng", "7.4395")
	q.Set("departureTimeOfDay", "07:35:00")
	return "/standard-covoiturage/driver_regular_trips?" + q.Encode() + extra
}

func list(t *testing.T, a answer) []map[string]any {
	t.Helper()
	if a.status != 200 {
		t.Fatalf("status %d %s", a.status, a.body)
	}
	var out []map[string]any
	if err := json.Unmarshal(a.body, &out); err != nil {
		t.Fatalf("body %s: %v", a.body, err)
	}
	return out
}

func post(t *testing.T, srv *httptest.Server, path, key, body string) answer {
	t.Helper()
	req, err := http.NewRequest("POST", srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("X-API-Key", key)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	a := answer{status: res.StatusCode, header: res.Header, body: b}
	checkSpec(t, req, a)
	return a
}

// TestSharingDecidesWhatPartnersSee: on both engines, a shared ride and a shared commute
// appear for a partner; an unshared one (member off, or the ride's or commute's own
// choice off) does not; one shared by its own choice while the member is off does. The
// regular trips are the standard's, field by field, and no answer holds a name, phone
// or e-mail.
func TestSharingDecidesWhatPartnersSee(t *testing.T) {
	tripFields := loadFields(t, "driver_regular_trip_fields.txt")
	journeyFields := loadFields(t, "driver_journey_fields.txt")
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			f := newFixture(t, eng.open(t))
			sharon := f.member("Sharon Sharewell", "+49 170 5550201", carpool.RoleMember) // profile on
			ulrich := f.member("Ulrich Unshared", "+49 170 5550202", carpool.RoleMember)  // profile off
			otto := f.member("Otto Override", "+49 170 5550203", carpool.RoleMember)      // off, but shares one
			petra := f.member("Petra Private", "+49 170 5550204", carpool.RoleMember)     // on, but keeps one
			f.share(sharon, true)
			f.share(petra, true)

			shownRides := map[string]string{
				f.rideSharing(sharon, carpool.SharingProfile).ID: "sharon's ride (profile on)",
				f.rideSharing(otto, carpool.SharingOn).ID:        "otto's ride (override on, profile off)",
			}
			hiddenRides := map[string]string{
				f.rideSharing(ulrich, carpool.SharingProfile).ID: "ulrich's ride (profile off)",
				f.rideSharing(petra, carpool.SharingOff).ID:      "petra's ride (override off, profile on)",
			}
			shownTrips := map[string]string{
				f.commute(sharon, carpool.SharingProfile).ID: "sharon's commute (profile on)",
				f.commute(otto, carpool.SharingOn).ID:        "otto's commute (override on, profile off)",
			}
			hiddenTrips := map[string]string{
				f.commute(ulrich, carpool.SharingProfile).ID: "ulrich's commute (profile off)",
				f.commute(petra, carpool.SharingOff).ID:      "petra's commute (override off, profile on)",
			}
			_, key := f.partner("City journey planner")
			srv := f.replica(partnerapi.Options{})

			got := map[string]bool{}
			for _, j := range journeys(t, get(t, srv, search(""), key)) {
				checkObject(t, journeyFields, j)
				got[str(j["id"])] = true
			}
			for id, what := range shownRides {
				if !got[id] {
					t.Errorf("driver_journeys lacks %s", what)
				}
			}
			for id, what := range hiddenRides {
				if got[id] {
					t.Errorf("driver_journeys shows %s", what)
				}
			}

			trips := list(t, get(t, srv, tripSearch(""), key))
			seen := map[string]bool{}
			for _, tr := range trips {
				checkObject(t, tripFields, tr)
				id := strings.TrimPrefix(str(tr["webUrl"]), publicURL+"/commutes/")
				seen[id] = true
			}
			for id, what := range shownTrips {
				if !seen[id] {
					t.Errorf("driver_regular_trips lacks %s: %d trips", what, len(trips))
				}
			}
			for id, what := range hiddenTrips {
				if seen[id] {
					t.Errorf("driver_regular_trips shows %s", what)
				}
			}
			if len(trips) != len(shownTrips) {
				t.Fatalf("%d trips, want %d", len(trips), len(shownTrips))
			}

			// One trip in detail: Monday to Friday at the commute's time, its dates in the
			// default window (four weeks from now), places rounded.
			tr := trips[0]
			scheds := tr["schedules"].([]any)
			var days []string
			for _, s := range scheds {
				s := s.(map[string]any)
				days = append(days, str(s["passengerPickupDay"]))
				if s["passengerPickupTimeOfDay"] != "07:30:00" {
					t.Errorf("pickup time of day %v, want 07:30:00 (boarding at the start)", s["passengerPickupTimeOfDay"])
				}
				for _, js := range s["journeySchedules"].([]any) {
					js := js.(map[string]any)
					at := time.Unix(int64(js["driverDepartureDate"].(float64)), 0).In(mustZone(t, "Europe/Zurich"))
					if at.Format("15:04") != "07:30" || strings.ToUpper(at.Weekday().String()[:3]) != s["passengerPickupDay"] ||
						carpool.DateOf(at).Before(commuteStart) {
						t.Errorf("departure %v listed under %v: want 07:30 local on that weekday, from %s on", at, s["passengerPickupDay"], commuteStart)
					}
				}
			}
			if strings.Join(days, ",") != "MON,TUE,WED,THU,FRI" {
				t.Errorf("schedules for %v, want MON..FRI", days)
			}
			pt := carpool.Point{Lat: tr["driverDepartureLat"].(float64), Lon: tr["driverDepartureLng"].(float64)}
			if pt == zurich.Point() || carpool.DistanceKM(pt, zurich.Point()) > 0.35 {
				t.Errorf("driver departure %v: want Zurich rounded to ~300 m", pt)
			}

			// Weekdays, time of day and dates narrow the answer.
			if got := list(t, get(t, srv, tripSearch("&departureWeekdays=SAT,SUN"), key)); len(got) != 0 {
				t.Errorf("weekend: %d trips, want none", len(got))
			}
			if got := list(t, get(t, srv, tripSearch("&departureWeekdays=WED"), key)); len(got) != 2 ||
				len(got[0]["schedules"].([]any)) != 1 {
				t.Errorf("Wednesday: %v, want both trips with one schedule", got)
			}
			late := strings.Replace(tripSearch(""), "07%3A35%3A00", "09%3A00%3A00", 1)
			if got := list(t, get(t, srv, late, key)); len(got) != 0 {
				t.Errorf("09:00 ± 15 min: %d trips, want none", len(got))
			}
			if got := list(t, get(t, srv, late+"&timeDelta=7200", key)); len(got) != 2 {
				t.Errorf("09:00 ± 2 h: %d trips, want 2", len(got))
			}
			before := fmt.Sprint(time.Date(commuteStart.Year, commuteStart.Month, commuteStart.Day, 0, 0, 0, 0, time.UTC).Unix())
			if got := list(t, get(t, srv, tripSearch("&maxDepartureDate="+before), key)); len(got) != 0 {
				t.Errorf("window before the first day: %d trips, want none", len(got))
			}

			// A commute's days are rides, and carry the commute's choice.
			if _, err := f.app.MaterialiseSeries(f.ctx, carpool.MaxSeriesHorizon); err != nil {
				t.Fatal(err)
			}
			// Not the first day: the rides offered by hand leave 72 h from now, which is
			// 07:30 in Zurich on commuteStart when the test runs at 06:30 UTC, and would
			// be found beside the commutes' rides.
			day := commuteStart.AddDays(1)
			for !carpool.WorkWeek.Has(day.Weekday()) {
				day = day.AddDays(1)
			}
			at := carpool.Clock{Hour: 7, Minute: 30}.At(day, mustZone(t, "Europe/Zurich"))
			dayQuery := strings.Replace(search(""), "departureDate="+fmt.Sprint(depart.Add(10*time.Minute).Unix()), "departureDate="+fmt.Sprint(at.Unix()), 1)
			byRide := map[string]bool{}
			for _, j := range journeys(t, get(t, srv, dayQuery, key)) {
				byRide[str(j["id"])] = true
			}
			if len(byRide) != len(shownTrips) {
				t.Errorf("the commutes' rides on %s: %d shared, want %d (the shared commutes')", day, len(byRide), len(shownTrips))
			}

			// No answer of any endpoint holds a name, phone or e-mail.
			var bodies []answer
			for _, path := range []string{search(""), tripSearch(""), dayQuery, "/standard-covoiturage/status",
				"/standard-covoiturage/passenger_journeys" + strings.TrimPrefix(search(""), "/standard-covoiturage/driver_journeys"),
				"/standard-covoiturage/passenger_regular_trips" + strings.TrimPrefix(tripSearch(""), "/standard-covoiturage/driver_regular_trips")} {
				bodies = append(bodies, get(t, srv, path, key), get(t, srv, path, ""))
			}
			bodies = append(bodies, post(t, srv, "/standard-covoiturage/bookings", key, `{}`))
			for _, a := range bodies {
				for _, m := range []carpool.Member{sharon, ulrich, otto, petra, f.admin} {
					if secret := secretIn(string(a.body), m); secret != "" {
						t.Errorf("answer %s holds %q", a.body, secret)
					}
				}
				for _, label := range []string{"Bahnhofstrasse", "Bundesplatz"} {
					if strings.Contains(string(a.body), label) {
						t.Errorf("answer %s holds the exact address %q", a.body, label)
					}
				}
			}
		})
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestDriverJourneysAlongTheRoute: a partner's search finds a ride that passes by, as a
// member's search does (the pickup where asked, later than the departure), within the
// ride's detour budget only; and a ride whose start is within the radius but whose
// route cannot take the trip is still found at its ends.
func TestDriverJourneysAlongTheRoute(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			f := newFixture(t, eng.open(t))
			sharon := f.member("Sharon Sharewell", "", carpool.RoleMember)
			f.share(sharon, true)
			ride := f.ride(sharon, 3)
			_, key := f.partner("City journey planner")
			srv := f.replica(partnerapi.Options{})
			// Halfway between Zurich and Bern, on the way, to Bern.
			mid := carpool.Point{Lat: (zurich.Lat + bern.Lat) / 2, Lon: (zurich.Lon + bern.Lon) / 2}
			q := func(from carpool.Point) string {
				v := url.Values{}
				v.Set("departureLat", fmt.Sprint(from.Lat))
				v.Set("departureLng", fmt.Sprint(from.Lon))
				v.Set("arrivalLat", "46.9485")
				v.Set("arrivalLng", "7.4395")
				v.Set("departureDate", fmt.Sprint(depart.Unix()))
				v.Set("timeDelta", "3600")
				return "/standard-covoiturage/driver_journeys?" + v.Encode()
			}
			got := journeys(t, get(t, srv, q(mid), key))
			if len(got) != 1 || got[0]["id"] != ride.ID {
				t.Fatalf("from halfway: %v, want the ride passing by", got)
			}
			j := got[0]
			pickup := carpool.Point{Lat: j["passengerPickupLat"].(float64), Lon: j["passengerPickupLng"].(float64)}
			if carpool.DistanceKM(pickup, mid) > 0.35 {
				t.Errorf("pickup %v, want halfway (%v) rounded", pickup, mid)
			}
			if j["passengerPickupDate"].(float64) <= j["driverDepartureDate"].(float64) || j["driverDepartureDate"] != float64(depart.Unix()) {
				t.Errorf("pickup at %v, departure %v: want the departure, and a pickup later", j["passengerPickupDate"], j["driverDepartureDate"])
			}
			// Basel is off the route (tens of km of detour) and far from Zurich.
			if got := journeys(t, get(t, srv, q(carpool.Point{Lat: 47.5596, Lon: 7.5886}), key)); len(got) != 0 {
				t.Errorf("from Basel: %v, want nothing", got)
			}
			// With no detour budget, the ride is found only at its ends.
			zero := 0.0
			if _, err := f.app.UpdateRide(f.ctx, sharon, ride.ID, 0, carpool.RidePatch{DetourKM: &zero}); err != nil {
				t.Fatal(err)
			}
			if got := journeys(t, get(t, srv, q(mid), key)); len(got) != 0 {
				t.Errorf("from halfway with no detour budget: %v, want nothing", got)
			}
			near := carpool.Point{Lat: 47.3785, Lon: 8.5400}
			got = journeys(t, get(t, srv, q(near), key))
			if len(got) != 1 || got[0]["passengerPickupDate"] != float64(depart.Unix()) {
				t.Errorf("from near the start with no detour budget: %v, want the ride boarding at its start", got)
			}
		})
	}
}

// TestNewEndpointsRefuse: without a key every new endpoint answers 401; bookings answer
// a documented 501 in the standard's error form; the passenger searches answer an empty
// list, and check their parameters; driver_regular_trips names every bad parameter.
func TestNewEndpointsRefuse(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			f := newFixture(t, eng.open(t))
			_, key := f.partner("City journey planner")
			srv := f.replica(partnerapi.Options{})
			passengerJourneys := "/standard-covoiturage/passenger_journeys" + strings.TrimPrefix(search(""), "/standard-covoiturage/driver_journeys")
			passengerTrips := "/standard-covoiturage/passenger_regular_trips" + strings.TrimPrefix(tripSearch(""), "/standard-covoiturage/driver_regular_trips")
			for _, path := range []string{tripSearch(""), passengerJourneys, passengerTrips} {
				wantError(t, get(t, srv, path, ""), 401)
				wantError(t, get(t, srv, path, key+"x"), 401)
				if a := get(t, srv, path, key); a.status != 200 || strings.TrimSpace(string(a.body)) != "[]" {
					t.Errorf("%s: %d %s, want 200 []", path, a.status, a.body)
				}
			}
			wantError(t, post(t, srv, "/standard-covoiturage/bookings", "", `{}`), 401)
			if msg := wantError(t, post(t, srv, "/standard-covoiturage/bookings", key, `{"id":"x"}`), 501); !strings.Contains(msg, "webUrl") {
				t.Errorf("501 says %q; want it to point at the deep link", msg)
			}
			for _, c := range []struct {
				path string
				want []string
			}{
				{"/standard-covoiturage/driver_regular_trips", []string{"departureLat", "arrivalLat", "departureTimeOfDay"}},
				{"/standard-covoiturage/driver_regular_trips?departureLat=47&departureLng=8&arrivalLat=46.9&arrivalLng=7.4&departureTimeOfDay=7h&departureWeekdays=MON,XYZ&timeDelta=99999&count=0",
					[]string{"departureTimeOfDay", "departureWeekdays", "timeDelta", "count"}},
				{"/standard-covoiturage/driver_regular_trips?departureLat=47&departureLng=8&arrivalLat=46.9&arrivalLng=7.4&departureTimeOfDay=07:30:00&minDepartureDate=1900000000&maxDepartureDate=1800000000&arrivalRadius=0",
					[]string{"maxDepartureDate", "arrivalRadius"}},
				{"/standard-covoiturage/passenger_regular_trips?departureLat=x", []string{"departureLat", "arrivalLat", "departureTimeOfDay"}},
				{"/standard-covoiturage/passenger_journeys?arrivalLat=95&arrivalLng=7", []string{"departureLat", "arrivalLat"}},
			} {
				msg := wantError(t, get(t, srv, c.path, key), 400)
				for _, w := range c.want {
					if !strings.Contains(msg, w) {
						t.Errorf("%s: error %q does not name %s", c.path, msg, w)
					}
				}
			}
		})
	}
}

// secretIn returns the part of m's name, phone or e-mail that body holds as a word of its
// own, or "". Word edges matter: ids and aliases are hex, so "Ada" may occur inside one.
func secretIn(body string, m carpool.Member) string {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, m.Phone)
	secrets := append(strings.Fields(m.Name), m.Email, strings.Split(m.Email, "@")[0], m.Phone, strings.ReplaceAll(m.Phone, " ", ""))
	if len(digits) >= 6 {
		// The subscriber number alone, as a partner might print it.
		secrets = append(secrets, digits[len(digits)-7:])
	}
	for _, secret := range secrets {
		if secret == "" {
			continue
		}
		word := regexp.MustCompile(`(?i)(^|[^\pL\pN])` + regexp.QuoteMeta(secret) + `($|[^\pL\pN])`)
		if word.MatchString(body) {
			return secret
		}
	}
	return ""
}

// TestSecretIn: the privacy check finds a name, e-mail or phone as a word, in any case
// and spacing, and not inside an id.
func TestSecretIn(t *testing.T) {
	m := carpool.Member{Name: "Ada Admin", Email: "a.7@example.com", Phone: "+49 170 5550201"}
	for body, found := range map[string]bool{
		`{"driver":"ada"}`:                   true,
		`{"id":"01a24de178da7000aada1f97"}`:  false,
		`{"x":"call +491705550201"}`:         true,
		`{"x":"170 5550201"}`:                true,
		`{"x":"mail A.7@EXAMPLE.COM today"}`: true,
		`{"distance":124747}`:                false,
	} {
		if got := secretIn(body, m); (got != "") != found {
			t.Errorf("secretIn(%s) = %q, want found %v", body, got, found)
		}
	}
}

package notify_test

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"

	"carpool/internal/carpool"
	"carpool/internal/notify"
	"carpool/internal/storetest"
)

// TestParkingNotices: the driver hears in the inbox, in their language, that their ride
// got a carpool space, and that it lost it when the last passenger left.
func TestParkingNotices(t *testing.T) {
	for _, tc := range []struct {
		name           string
		lang           language.Tag
		granted, freed []string
	}{
		{"English", language.English, []string{"Parking space reserved", "Carpool space P7 is reserved for you on "},
			[]string{"Parking space released", "no longer holds the carpool space P7 on "}},
		{"German", language.German, []string{"Parkplatz reserviert", "Der Fahrgemeinschafts-Parkplatz P7 ist am "},
			[]string{"Parkplatz freigegeben", "hat den Fahrgemeinschafts-Parkplatz P7 am "}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, "rico@example.com")
			flows := storetest.NewFlows(w.db)
			// The site is where the ride ends.
			site := carpool.Site{ID: carpool.NewID(), Name: "Bern office", Address: "Bahnhofplatz", Lat: w.ride.To.Lat, Lon: w.ride.To.Lon,
				Version: 1, CreatedAt: w.now, UpdatedAt: w.now}
			if err := w.db.CreateSite(w.ctx, site); err != nil {
				t.Fatal(err)
			}
			fleet := w.member("fiona@example.com", "Fiona Fleet")
			fleet.Role = carpool.RoleFleetManager
			if _, err := flows.AddParkingSpace(w.ctx, site.ID, "P7", fleet); err != nil {
				t.Fatal(err)
			}
			run(t, notify.New(w.db, notify.Options{Poll: 20 * time.Millisecond, Language: tc.lang}))
			b, err := flows.BookSeats(w.ctx, w.ride.ID, w.rider, carpool.BookingRequest{Seats: 1})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := flows.ConfirmBooking(w.ctx, b.ID, w.driver); err != nil {
				t.Fatal(err)
			}
			has := func(want []string) func() bool {
				return func() bool {
					for _, n := range w.inbox(w.driver) {
						if n.Kind == carpool.EventRideParking && n.Title == want[0] && strings.Contains(n.Body, want[1]) &&
							n.Link == "/rides/"+w.ride.ID {
							return true
						}
					}
					return false
				}
			}
			eventually(t, "the driver hears the space is reserved", has(tc.granted))
			if _, err := flows.CancelBooking(w.ctx, b.ID, w.rider); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the driver hears the space is gone", has(tc.freed))
			for _, n := range w.inbox(w.rider) {
				if n.Kind == carpool.EventRideParking {
					t.Errorf("the passenger was told about the driver's space: %+v", n)
				}
			}
		})
	}
}

package calendar_test

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"

	"carpool/internal/calendar"
	"carpool/internal/carpool"
	"carpool/internal/locale"
)

func TestWrite(t *testing.T) {
	en := locale.For(language.English)
	start := time.Date(2026, 7, 1, 6, 30, 0, 0, time.UTC)
	ride := carpool.Ride{ID: "r1", Version: 3, Status: carpool.RideOpen, DepartAt: start, UpdatedAt: start,
		From: carpool.Place{Label: "Munich; HQ, gate 2"}, To: carpool.Place{Label: strings.Repeat("Flughafen München ", 6)}}
	t.Run("in a zone", func(t *testing.T) {
		berlin, err := time.LoadLocation("Europe/Berlin")
		if err != nil {
			t.Fatal(err)
		}
		out := string(calendar.Write("Carpool: Ann", []calendar.Entry{calendar.RideEntry(ride, true, false, "https://c.example.com", en)}, berlin))
		for _, want := range []string{
			"DTSTART;TZID=Europe/Berlin:20260701T083000\r\n", // 06:30 UTC is 08:30 CEST
			"SEQUENCE:2\r\n",
			"STATUS:CONFIRMED\r\n",
			`SUMMARY:Driving: Munich\; HQ\, gate 2`,
			"TZOFFSETTO:+0200\r\n",
			"BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("feed lacks %q:\n%s", want, out)
			}
		}
		for _, line := range strings.Split(out, "\r\n") {
			if len(line) > 75 {
				t.Errorf("line of %d octets: %q", len(line), line)
			}
		}
	})
	t.Run("cancelled booking of an open ride", func(t *testing.T) {
		out := string(calendar.Write("x", []calendar.Entry{calendar.RideEntry(ride, false, true, "", en)}, time.UTC))
		for _, want := range []string{"DTSTART:20260701T063000Z\r\n", "SEQUENCE:3\r\n", "STATUS:CANCELLED\r\n", "SUMMARY:Passenger: "} {
			if !strings.Contains(out, want) {
				t.Errorf("feed lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "VTIMEZONE") {
			t.Errorf("a UTC feed needs no VTIMEZONE:\n%s", out)
		}
	})
}

// TestEntriesInReadersLanguage: a German reader's feed names rides and pool cars in
// German.
func TestEntriesInReadersLanguage(t *testing.T) {
	de := locale.For(language.German)
	start := time.Date(2026, 7, 1, 6, 30, 0, 0, time.UTC)
	ride := carpool.Ride{ID: "r1", Version: 1, DepartAt: start, UpdatedAt: start,
		From: carpool.Place{Label: "Potsdam"}, To: carpool.Place{Label: "Berlin"}}
	res := carpool.Reservation{ID: "x1", Start: start, End: start.Add(time.Hour), UpdatedAt: start}
	car := carpool.Car{Make: "VW", Model: "ID.3", Plate: "P-CP 1"}
	for _, tc := range []struct{ got, want string }{
		{calendar.RideEntry(ride, true, false, "", de).Summary, "Sie fahren: Potsdam → Berlin"},
		{calendar.RideEntry(ride, false, false, "", de).Summary, "Mitfahrt: Potsdam → Berlin"},
		{calendar.ReservationEntry(res, car, "", de).Summary, "Poolauto VW ID.3 (P-CP 1)"},
	} {
		if tc.got != tc.want {
			t.Errorf("summary: got %q, want %q", tc.got, tc.want)
		}
	}
}

package calendar_test

import (
	"strings"
	"testing"
	"time"

	"carpool/internal/calendar"
	"carpool/internal/carpool"
)

func TestWrite(t *testing.T) {
	start := time.Date(2026, 7, 1, 6, 30, 0, 0, time.UTC)
	ride := carpool.Ride{ID: "r1", Version: 3, Status: carpool.RideOpen, DepartAt: start, UpdatedAt: start,
		From: carpool.Place{Label: "Munich; HQ, gate 2"}, To: carpool.Place{Label: strings.Repeat("Flughafen München ", 6)}}
	t.Run("in a zone", func(t *testing.T) {
		berlin, err := time.LoadLocation("Europe/Berlin")
		if err != nil {
			t.Fatal(err)
		}
		out := string(calendar.Write("Carpool: Ann", []calendar.Entry{calendar.RideEntry(ride, true, false, "https://c.example.com")}, berlin))
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
		out := string(calendar.Write("x", []calendar.Entry{calendar.RideEntry(ride, false, true, "")}, time.UTC))
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

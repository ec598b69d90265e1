package carpool_test

import (
	"errors"
	"testing"
	"time"

	"carpool/internal/carpool"
)

func TestValidTimeZone(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"Europe/Berlin", "Europe/Berlin", true},
		{"  America/New_York ", "America/New_York", true},
		{"UTC", "UTC", true},
		{"", "", true},
		{"Local", "", false},
		{"Atlantis/Capital", "", false},
		{"europe/berlin ../", "", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := carpool.ValidTimeZone(tc.in)
			if tc.ok != (err == nil) || got != tc.want {
				t.Fatalf("got %q, %v; want %q, ok %v", got, err, tc.want, tc.ok)
			}
			var e *carpool.Error
			if err != nil && (!errors.As(err, &e) || e.Code != carpool.EINVALID || e.Field != "time_zone") {
				t.Fatalf("got %#v, want EINVALID on time_zone", err)
			}
		})
	}
}

func TestZoneOr(t *testing.T) {
	def := time.FixedZone("default", 3600)
	if got := carpool.ZoneOr("", def); got != def {
		t.Errorf("empty: got %v, want the default", got)
	}
	if got := carpool.ZoneOr("Atlantis/Capital", def); got != def {
		t.Errorf("unknown: got %v, want the default", got)
	}
	if got := carpool.ZoneOr("Europe/Berlin", def); got.String() != "Europe/Berlin" {
		t.Errorf("Berlin: got %v", got)
	}
}

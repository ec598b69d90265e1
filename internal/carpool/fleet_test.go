package carpool_test

import (
	"math"
	"strings"
	"testing"

	"carpool/internal/carpool"
)

func TestSiteValidate(t *testing.T) {
	valid := carpool.Site{Name: " HQ ", Address: " Main Street 1 ", Lat: 47.37, Lon: 8.54}
	s := valid
	if err := s.Validate(); err != nil || s.Name != "HQ" || s.Address != "Main Street 1" {
		t.Fatalf("valid site: %+v, %v", s, err)
	}
	cases := []struct {
		name  string
		edit  func(*carpool.Site)
		field string
	}{
		{"no name", func(s *carpool.Site) { s.Name = "" }, "name"},
		{"long name", func(s *carpool.Site) { s.Name = strings.Repeat("x", 101) }, "name"},
		{"no address", func(s *carpool.Site) { s.Address = " " }, "address"},
		{"lat high", func(s *carpool.Site) { s.Lat = 90.01 }, "lat"},
		{"lat NaN", func(s *carpool.Site) { s.Lat = math.NaN() }, "lat"},
		{"lon low", func(s *carpool.Site) { s.Lon = -180.01 }, "lon"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := valid
			tc.edit(&s)
			err := s.Validate()
			if carpool.ErrorCode(err) != carpool.EINVALID || carpool.ErrorField(err) != tc.field {
				t.Fatalf("got %v, want invalid %s", err, tc.field)
			}
		})
	}
	edge := carpool.Site{Name: "Pole", Address: "Ice", Lat: -90, Lon: 180}
	if err := edge.Validate(); err != nil {
		t.Fatalf("edge coordinates: %v", err)
	}
}

func TestCarValidate(t *testing.T) {
	pool := carpool.Car{Kind: carpool.CarPool, Plate: " zh  123 456 ", Make: " VW ", Model: "Touran", Seats: 7, SiteID: "site", OwnerID: "stray"}
	c := pool
	if err := c.Validate(); err != nil {
		t.Fatalf("valid car: %v", err)
	}
	if c.Plate != "ZH 123 456" || c.Make != "VW" || c.Status != carpool.CarActive || c.OwnerID != "" {
		t.Fatalf("normalised: got %+v", c)
	}
	private := carpool.Car{Kind: carpool.CarPrivate, Plate: "BE-1", Make: "Fiat", Model: "Panda", Seats: 1, OwnerID: "m", SiteID: "stray"}
	if err := private.Validate(); err != nil || private.SiteID != "" {
		t.Fatalf("valid private car: %+v, %v", private, err)
	}
	cases := []struct {
		name  string
		edit  func(*carpool.Car)
		field string
	}{
		{"pool without site", func(c *carpool.Car) { c.SiteID = "" }, "site_id"},
		{"private without owner", func(c *carpool.Car) { c.Kind = carpool.CarPrivate; c.OwnerID = "" }, "owner_id"},
		{"unknown kind", func(c *carpool.Car) { c.Kind = "bus" }, "kind"},
		{"short plate", func(c *carpool.Car) { c.Plate = "A" }, "plate"},
		{"long plate", func(c *carpool.Car) { c.Plate = strings.Repeat("A", 17) }, "plate"},
		{"plate symbols", func(c *carpool.Car) { c.Plate = "ZH_123" }, "plate"},
		{"no make", func(c *carpool.Car) { c.Make = "" }, "make"},
		{"no model", func(c *carpool.Car) { c.Model = " " }, "model"},
		{"no seats", func(c *carpool.Car) { c.Seats = 0 }, "seats"},
		{"nine seats", func(c *carpool.Car) { c.Seats = 9 }, "seats"},
		{"unknown status", func(c *carpool.Car) { c.Status = "stolen" }, "status"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := pool
			tc.edit(&c)
			err := c.Validate()
			if carpool.ErrorCode(err) != carpool.EINVALID || carpool.ErrorField(err) != tc.field {
				t.Fatalf("got %v, want invalid %s", err, tc.field)
			}
		})
	}
	if carpool.NormalizePlate("ab 123") != carpool.NormalizePlate(" AB   123 ") {
		t.Fatal("plates differing in case and spaces normalise differently")
	}
}

func TestCarPermissions(t *testing.T) {
	owner := carpool.Member{ID: "o", Role: carpool.RoleMember}
	other := carpool.Member{ID: "x", Role: carpool.RoleMember}
	manager := carpool.Member{ID: "f", Role: carpool.RoleFleetManager}
	admin := carpool.Member{ID: "a", Role: carpool.RoleAdmin}
	pool := carpool.Car{Kind: carpool.CarPool, SiteID: "s"}
	private := carpool.Car{Kind: carpool.CarPrivate, OwnerID: "o"}
	cases := []struct {
		name            string
		car             carpool.Car
		m               carpool.Member
		manage, visible bool
	}{
		{"pool by member", pool, other, false, true},
		{"pool by fleet manager", pool, manager, true, true},
		{"pool by admin", pool, admin, true, true},
		{"private by owner", private, owner, true, true},
		{"private by other", private, other, false, false},
		{"private by fleet manager", private, manager, false, false},
		{"private by admin", private, admin, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.car.CanManage(tc.m); got != tc.manage {
				t.Errorf("can manage: got %v, want %v", got, tc.manage)
			}
			if got := tc.car.VisibleTo(tc.m); got != tc.visible {
				t.Errorf("visible: got %v, want %v", got, tc.visible)
			}
		})
	}
}

func TestCheckRetire(t *testing.T) {
	cases := []struct {
		rides, reservations int
		want                string // "" when the car may be retired
	}{
		{0, 0, ""},
		{1, 0, "the car still has 1 open ride: cancel them before retiring it"},
		{0, 2, "the car still has 2 active reservations: cancel them before retiring it"},
		{3, 1, "the car still has 3 open rides and 1 active reservation: cancel them before retiring it"},
	}
	for _, tc := range cases {
		err := carpool.CheckRetire(tc.rides, tc.reservations)
		if tc.want == "" {
			if err != nil {
				t.Errorf("CheckRetire(%d, %d): got %v, want nil", tc.rides, tc.reservations, err)
			}
			continue
		}
		if carpool.ErrorCode(err) != carpool.ECONFLICT || carpool.ErrorField(err) != "status" || carpool.ErrorMessage(err) != tc.want {
			t.Errorf("CheckRetire(%d, %d): got %v, want conflict on status %q", tc.rides, tc.reservations, err, tc.want)
		}
	}
}

package app_test

import (
	"sort"
	"testing"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

func TestCreateSite(t *testing.T) {
	f := newApp(t)
	member := f.member(carpool.RoleMember)
	admin := f.member(carpool.RoleAdmin)
	cases := []struct {
		name  string
		me    carpool.Member
		in    app.SiteInput
		code  string
		field string
	}{
		{"fleet manager", f.fm, app.SiteInput{Name: "HQ", Address: "Main St 1", Lat: ptr(47.0), Lon: ptr(8.0)}, "", ""},
		{"admin", admin, app.SiteInput{Name: "Depot", Address: "Depot St 2", Lat: ptr(47.1), Lon: ptr(8.1)}, "", ""},
		{"member refused", member, app.SiteInput{Name: "Mine", Address: "Home 3", Lat: ptr(47.2), Lon: ptr(8.2)}, carpool.EFORBIDDEN, ""},
		{"member refused before input is checked", member, app.SiteInput{}, carpool.EFORBIDDEN, ""},
		{"lat missing", f.fm, app.SiteInput{Name: "No lat", Address: "x", Lon: ptr(8.0)}, carpool.EINVALID, "lat"},
		{"lon missing", f.fm, app.SiteInput{Name: "No lon", Address: "x", Lat: ptr(47.0)}, carpool.EINVALID, "lon"},
		{"lat out of range", f.fm, app.SiteInput{Name: "Space", Address: "x", Lat: ptr(91.0), Lon: ptr(8.0)}, carpool.EINVALID, "lat"},
		{"name missing", f.fm, app.SiteInput{Address: "x", Lat: ptr(47.0), Lon: ptr(8.0)}, carpool.EINVALID, "name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := f.app.CreateSite(f.ctx, tc.me, tc.in)
			if tc.code != "" {
				wantCode(t, err, tc.code, tc.field)
				return
			}
			mustDo(t, err)
			got, err := f.app.Site(f.ctx, member, s.ID) // every member sees sites
			mustDo(t, err)
			if got.Name != tc.in.Name || got.Version != 1 {
				t.Errorf("stored site: got %q version %d, want %q version 1", got.Name, got.Version, tc.in.Name)
			}
		})
	}
}

func TestUpdateSite(t *testing.T) {
	f := newApp(t)
	member := f.member(carpool.RoleMember)
	site := f.site("HQ")
	cases := []struct {
		name      string
		me        carpool.Member
		id        string
		ifVersion int
		patch     app.SitePatch
		code      string
		field     string
		version   int
	}{
		{"member, unknown id: not found first", member, carpool.NewID(), 0, app.SitePatch{Name: ptr("X")}, carpool.ENOTFOUND, "", 0},
		{"member, known id: forbidden", member, site.ID, 0, app.SitePatch{Name: ptr("X")}, carpool.EFORBIDDEN, "", 0},
		{"fleet manager, unknown id", f.fm, carpool.NewID(), 0, app.SitePatch{Name: ptr("X")}, carpool.ENOTFOUND, "", 0},
		{"rename", f.fm, site.ID, 1, app.SitePatch{Name: ptr("Head office")}, "", "", 2},
		{"stale version", f.fm, site.ID, 1, app.SitePatch{Name: ptr("Late")}, carpool.ECONFLICT, "", 0},
		{"invalid change", f.fm, site.ID, 0, app.SitePatch{Name: ptr("")}, carpool.EINVALID, "name", 0},
		{"move, any version", f.fm, site.ID, 0, app.SitePatch{Lat: ptr(46.9), Lon: ptr(7.4)}, "", "", 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := f.app.UpdateSite(f.ctx, tc.me, tc.id, tc.ifVersion, tc.patch)
			if tc.code != "" {
				wantCode(t, err, tc.code, tc.field)
				return
			}
			mustDo(t, err)
			if s.Version != tc.version {
				t.Errorf("version: got %d, want %d", s.Version, tc.version)
			}
		})
	}
	got, err := f.app.Site(f.ctx, member, site.ID)
	mustDo(t, err)
	if got.Name != "Head office" || got.Lat != 46.9 || got.Address != site.Address {
		t.Errorf("site after the changes: got %q at %v (%q), want %q at 46.9 (%q)", got.Name, got.Lat, got.Address, "Head office", site.Address)
	}
}

func TestCreateCar(t *testing.T) {
	f := newApp(t)
	site := f.site("HQ")
	member := f.member(carpool.RoleMember)
	cases := []struct {
		name  string
		me    carpool.Member
		in    app.CarInput
		code  string
		field string
	}{
		{"pool car by fleet manager", f.fm, app.CarInput{Kind: carpool.CarPool, Plate: "ZH 1", Make: "VW", Model: "Golf", Seats: ptr(5), SiteID: site.ID}, "", ""},
		{"pool car by member", member, app.CarInput{Kind: carpool.CarPool, Plate: "ZH 2", Make: "VW", Model: "Golf", Seats: ptr(5), SiteID: site.ID}, carpool.EFORBIDDEN, "kind"},
		{"private car by member", member, app.CarInput{Kind: carpool.CarPrivate, Plate: "ZH 3", Make: "Fiat", Model: "Panda", Seats: ptr(4)}, "", ""},
		{"private car at a site", member, app.CarInput{Kind: carpool.CarPrivate, Plate: "ZH 4", Make: "Fiat", Model: "Panda", Seats: ptr(4), SiteID: site.ID}, carpool.EINVALID, "site_id"},
		{"seats missing", member, app.CarInput{Kind: carpool.CarPrivate, Plate: "ZH 5", Make: "Fiat", Model: "Panda"}, carpool.EINVALID, "seats"},
		{"pool car at an unknown site", f.fm, app.CarInput{Kind: carpool.CarPool, Plate: "ZH 6", Make: "VW", Model: "Golf", Seats: ptr(5), SiteID: carpool.NewID()}, carpool.EINVALID, "site_id"},
		{"plate taken", member, app.CarInput{Kind: carpool.CarPrivate, Plate: "zh 1", Make: "Fiat", Model: "Panda", Seats: ptr(4)}, carpool.ECONFLICT, "plate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := f.app.CreateCar(f.ctx, tc.me, tc.in)
			if tc.code != "" {
				wantCode(t, err, tc.code, tc.field)
				return
			}
			mustDo(t, err)
			wantOwner := ""
			if tc.in.Kind == carpool.CarPrivate {
				wantOwner = tc.me.ID
			}
			if c.OwnerID != wantOwner || c.Status != carpool.CarActive {
				t.Errorf("car: got owner %q status %q, want owner %q status active", c.OwnerID, c.Status, wantOwner)
			}
		})
	}
}

func TestCarVisibility(t *testing.T) {
	f := newApp(t)
	site := f.site("HQ")
	pool := f.poolCar(site, "ZH P1", 5)
	owner := f.member(carpool.RoleMember)
	other := f.member(carpool.RoleMember)
	admin := f.member(carpool.RoleAdmin)
	private := f.privateCar(owner, 4)
	cases := []struct {
		name string
		me   carpool.Member
		car  carpool.Car
		code string
	}{
		{"member sees a pool car", other, pool, ""},
		{"owner sees their car", owner, private, ""},
		{"other member's private car", other, private, carpool.ENOTFOUND},
		{"fleet manager, private car", f.fm, private, carpool.ENOTFOUND},
		{"admin sees every car", admin, private, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.app.Car(f.ctx, tc.me, tc.car.ID)
			wantCode(t, err, tc.code, "")
		})
	}

	lists := []struct {
		name string
		me   carpool.Member
		want []string
	}{
		{"owner", owner, []string{pool.ID, private.ID}},
		{"other member", other, []string{pool.ID}},
		{"admin", admin, []string{pool.ID, private.ID}},
	}
	for _, tc := range lists {
		t.Run("list/"+tc.name, func(t *testing.T) {
			cars, err := f.app.AllCars(f.ctx, tc.me, carpool.CarFilter{})
			mustDo(t, err)
			if got := carIDs(cars); !sameSet(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("list/unknown kind", func(t *testing.T) {
		_, _, err := f.app.Cars(f.ctx, owner, carpool.CarFilter{Kind: "boat"}, carpool.Page{})
		wantCode(t, err, carpool.EINVALID, "kind")
	})
}

func TestUpdateAndRetireCar(t *testing.T) {
	f := newApp(t)
	site := f.site("HQ")
	other := f.site("Depot")
	owner := f.member(carpool.RoleMember)
	stranger := f.member(carpool.RoleMember)
	pool := f.poolCar(site, "ZH U1", 5)
	private := f.privateCar(owner, 4)
	retired := f.privateCar(owner, 4)
	_, err := f.app.RetireCar(f.ctx, owner, retired.ID, 0)
	mustDo(t, err)
	maint := carpool.CarMaintenance
	retiredStatus := carpool.CarRetired
	cases := []struct {
		name   string
		me     carpool.Member
		car    carpool.Car
		patch  app.CarPatch
		code   string
		field  string
		check  func(carpool.Car) bool
		expect string
	}{
		{"other member's private car", stranger, private, app.CarPatch{Seats: ptr(3)}, carpool.ENOTFOUND, "", nil, ""},
		{"member on a pool car", owner, pool, app.CarPatch{Seats: ptr(3)}, carpool.EFORBIDDEN, "", nil, ""},
		{"fleet manager on a private car", f.fm, private, app.CarPatch{Seats: ptr(3)}, carpool.ENOTFOUND, "", nil, ""},
		{"owner changes seats", owner, private, app.CarPatch{Seats: ptr(3)}, "", "", func(c carpool.Car) bool { return c.Seats == 3 }, "3 seats"},
		{"site of a private car", owner, private, app.CarPatch{SiteID: ptr(site.ID)}, carpool.EINVALID, "site_id", nil, ""},
		{"retire by patch", owner, private, app.CarPatch{Status: &retiredStatus}, carpool.EINVALID, "status", nil, ""},
		{"pool car to maintenance", f.fm, pool, app.CarPatch{Status: &maint}, "", "", func(c carpool.Car) bool { return c.Status == carpool.CarMaintenance }, "maintenance"},
		{"pool car to another site", f.fm, pool, app.CarPatch{SiteID: ptr(other.ID)}, "", "", func(c carpool.Car) bool { return c.SiteID == other.ID }, "the other site"},
		{"retired car", owner, retired, app.CarPatch{Seats: ptr(3)}, carpool.ECONFLICT, "", nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := f.app.UpdateCar(f.ctx, tc.me, tc.car.ID, 0, tc.patch)
			if tc.code != "" {
				wantCode(t, err, tc.code, tc.field)
				return
			}
			mustDo(t, err)
			if !tc.check(c) {
				t.Errorf("got %+v, want %s", c, tc.expect)
			}
		})
	}

	retire := []struct {
		name string
		me   carpool.Member
		car  carpool.Car
		code string
	}{
		{"stranger, private car", stranger, private, carpool.ENOTFOUND},
		{"member, pool car", owner, pool, carpool.EFORBIDDEN},
		{"owner", owner, private, ""},
		{"owner again", owner, private, ""},
		{"fleet manager, pool car", f.fm, pool, ""},
		{"unknown car", owner, carpool.Car{ID: carpool.NewID()}, carpool.ENOTFOUND},
	}
	for _, tc := range retire {
		t.Run("retire/"+tc.name, func(t *testing.T) {
			c, err := f.app.RetireCar(f.ctx, tc.me, tc.car.ID, 0)
			if tc.code != "" {
				wantCode(t, err, tc.code, "")
				return
			}
			mustDo(t, err)
			if c.Status != carpool.CarRetired {
				t.Errorf("status: got %q, want retired", c.Status)
			}
		})
	}
	t.Run("retired cars are left out of lists", func(t *testing.T) {
		cars, err := f.app.AllCars(f.ctx, owner, carpool.CarFilter{})
		mustDo(t, err)
		if len(cars) != 0 {
			t.Errorf("got %v, want no cars", carIDs(cars))
		}
		cars, err = f.app.AllCars(f.ctx, owner, carpool.CarFilter{IncludeRetired: true})
		mustDo(t, err)
		if got, want := carIDs(cars), []string{pool.ID, private.ID, retired.ID}; !sameSet(got, want) {
			t.Errorf("with retired: got %v, want %v", got, want)
		}
	})
}

func carIDs(cars []carpool.Car) []string {
	ids := make([]string, len(cars))
	for i, c := range cars {
		ids[i] = c.ID
	}
	return ids
}

// sameSet reports whether a and b hold the same strings, in any order.
func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(a)
	sort.Strings(b)
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

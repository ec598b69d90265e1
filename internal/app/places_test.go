package app_test

import (
	"context"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/sqlite"
	"carpool/internal/sqlite/sqlitetest"
)

func openPlacesApp(t *testing.T) (*app.App, *sqlite.DB) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, sqlitetest.MigratedPath(t))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return app.New(db, app.Options{}), db
}

func addMember(t *testing.T, db *sqlite.DB, name string) carpool.Member {
	t.Helper()
	m := carpool.Member{ID: carpool.NewID(), Email: name + "@example.com", Name: name, Role: carpool.RoleMember,
		PasswordHash: "x", CreatedAt: carpool.Timestamp(time.Now()), UpdatedAt: carpool.Timestamp(time.Now())}
	if err := db.CreateMember(context.Background(), m); err != nil {
		t.Fatalf("create member: %v", err)
	}
	return m
}

func f(v float64) *float64 { return &v }

func TestPlaces(t *testing.T) {
	a, db := openPlacesApp(t)
	ctx := context.Background()
	ann, bob := addMember(t, db, "ann"), addMember(t, db, "bob")
	gym, err := a.CreatePlace(ctx, ann, app.PlaceInput{Name: "Gym", Lat: f(52.49), Lon: f(13.32)})
	if err != nil {
		t.Fatalf("create gym: %v", err)
	}
	home, err := a.CreatePlace(ctx, ann, app.PlaceInput{Name: " Home ", Address: "Oranienplatz 1", Lat: f(52.50), Lon: f(13.41)})
	if err != nil {
		t.Fatalf("create home: %v", err)
	}
	site := carpool.Site{ID: carpool.NewID(), Name: "HQ", Address: "Main St 1", Lat: 52.52, Lon: 13.40}
	if err := db.CreateSite(ctx, site); err != nil {
		t.Fatalf("create site: %v", err)
	}

	t.Run("Home first, then the sites", func(t *testing.T) {
		got, err := a.PlaceChoices(ctx, ann)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, c := range got {
			keys = append(keys, c.Key)
		}
		want := []string{"place:" + home.ID, "place:" + gym.ID, "site:" + site.ID}
		if len(keys) != 3 || keys[0] != want[0] || keys[1] != want[1] || keys[2] != want[2] {
			t.Fatalf("got %v, want %v", keys, want)
		}
		if got[0].Place.Label != "Oranienplatz 1" || got[1].Place.Label != "Gym" {
			t.Fatalf("got labels %q, %q; want the address, else the name", got[0].Place.Label, got[1].Place.Label)
		}
	})
	t.Run("another member's place is not found", func(t *testing.T) {
		if _, err := a.Place(ctx, bob, home.ID); carpool.ErrorCode(err) != carpool.ENOTFOUND {
			t.Fatalf("got %v, want ENOTFOUND", err)
		}
		if _, err := a.ResolveChoice(ctx, bob, "place:"+home.ID); carpool.ErrorCode(err) != carpool.ENOTFOUND {
			t.Fatalf("got %v, want ENOTFOUND", err)
		}
		if err := a.DeletePlace(ctx, bob, home.ID); carpool.ErrorCode(err) != carpool.ENOTFOUND {
			t.Fatalf("got %v, want ENOTFOUND", err)
		}
		name := "Mine now"
		if _, err := a.UpdatePlace(ctx, bob, home.ID, 0, app.PlacePatch{Name: &name}); carpool.ErrorCode(err) != carpool.ENOTFOUND {
			t.Fatalf("got %v, want ENOTFOUND", err)
		}
	})
	t.Run("a site resolves for everyone", func(t *testing.T) {
		p, err := a.ResolveChoice(ctx, bob, "site:"+site.ID)
		if err != nil || p.Lat != site.Lat || p.Label != "HQ" {
			t.Fatalf("got %+v, %v", p, err)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		cases := []struct {
			name  string
			in    app.PlaceInput
			field string
		}{
			{"no pin", app.PlaceInput{Name: "Park"}, "lat"},
			{"pin out of range", app.PlaceInput{Name: "Park", Lat: f(52), Lon: f(190)}, "lon"},
			{"no name", app.PlaceInput{Name: " ", Lat: f(52), Lon: f(13)}, "name"},
			{"taken name", app.PlaceInput{Name: "Gym", Lat: f(52), Lon: f(13)}, "name"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := a.CreatePlace(ctx, ann, tc.in)
				if got := carpool.ErrorField(err); got != tc.field {
					t.Fatalf("got %v, want a field error on %q", err, tc.field)
				}
			})
		}
	})
	t.Run("signed out", func(t *testing.T) {
		if _, err := a.Places(ctx, carpool.Member{}); carpool.ErrorCode(err) != carpool.EUNAUTHORIZED {
			t.Fatalf("got %v, want EUNAUTHORIZED", err)
		}
	})
}

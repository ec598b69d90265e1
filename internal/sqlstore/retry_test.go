package sqlstore_test

import (
	"context"
	"errors"
	"testing"

	"carpool/internal/carpool"
	"carpool/internal/sqlite"
	"carpool/internal/sqlite/sqlitetest"
	"carpool/internal/sqlstore"
)

var errTransient = errors.New("transient")

// flaky is a dialect that calls errTransient retryable, so a test can make a transaction
// fail the way a serialization failure would.
type flaky struct{ sqlstore.Dialect }

func (f flaky) Retryable(err error) bool {
	return errors.Is(err, errTransient) || f.Dialect.Retryable(err)
}

func TestTransactionsAreRetried(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, sqlitetest.MigratedPath(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	s := sqlstore.New(db.DB(), flaky{db.Dialect()})
	site := carpool.Site{ID: carpool.NewID(), Name: "HQ", Address: "Main Street 1", Lat: 47, Lon: 8}
	if err := s.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name      string
		failures  int
		wantCalls int
		wantErr   bool
	}{
		{"succeeds at once", 0, 1, false},
		{"succeeds on the third run", 2, 3, false},
		{"gives up", 100, 6, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before, err := s.Site(ctx, site.ID)
			if err != nil {
				t.Fatal(err)
			}
			calls := 0
			got, err := s.UpdateSite(ctx, site.ID, before.Version, func(x *carpool.Site) error {
				calls++
				x.Name = tc.name
				if calls <= tc.failures {
					return errTransient
				}
				return nil
			})
			if calls != tc.wantCalls || (err != nil) != tc.wantErr {
				t.Fatalf("got %d runs, error %v; want %d runs, error %v", calls, err, tc.wantCalls, tc.wantErr)
			}
			after, _ := s.Site(ctx, site.ID)
			if tc.wantErr {
				if !errors.Is(err, errTransient) || after.Version != before.Version {
					t.Fatalf("a failed update changed the site (%+v) or lost its error (%v)", after, err)
				}
				return
			}
			if got.Version != before.Version+1 || after.Name != tc.name {
				t.Fatalf("got %+v, stored %+v", got, after)
			}
		})
	}
}

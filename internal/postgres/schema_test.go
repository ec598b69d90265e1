package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"carpool/internal/postgres"
)

// seed is a small world the schema probes write against: two members, a site, a pool
// car with a reservation, and a 2-seat ride of m1 in it.
const seed = `
INSERT INTO members VALUES
  ('m1','a@x.io','A','','member','h',now(),now()),
  ('m2','b@x.io','B','','member','h',now(),now()),
  ('m3','c@x.io','C','','member','h',now(),now());
INSERT INTO sites VALUES ('s1','Site','Street 1',48.1,11.5,1,now(),now());
INSERT INTO cars VALUES ('c1','pool','AB 1','VW','Golf',5,'s1',NULL,'active',1,now(),now());
INSERT INTO reservations VALUES ('r1','c1','m1','trip','2030-01-01 10:00Z','2030-01-01 12:00Z','active',NULL,now(),now());
INSERT INTO rides (id,driver_id,car_id,reservation_id,from_label,from_lat,from_lon,to_label,to_lat,to_lon,
                   depart_at,seats,booking_mode,status,version,created_at,updated_at)
  VALUES ('ride1','m1','c1','r1','A',48.1,11.5,'B',48.2,11.6,'2030-01-01 10:30Z',2,'instant','open',1,now(),now());
`

// TestSchemaEnforcesIntegrity writes rows that break each rule straight into the
// database, past the store's checks: the schema itself refuses them, with the
// SQLSTATE and constraint name the dialect translates.
func TestSchemaEnforcesIntegrity(t *testing.T) {
	tests := []struct {
		name       string
		sql        string
		code       string
		constraint string
	}{
		{"email taken in another case",
			`INSERT INTO members VALUES ('m9','a@x.io','A2','','member','h',now(),now())`, "23505", "members_email_key"},
		{"email not lower case",
			`INSERT INTO members VALUES ('m9','Z@x.io','Z','','member','h',now(),now())`, "23514", "members_email_check"},
		{"plate taken",
			`INSERT INTO cars VALUES ('c2','pool','AB 1','VW','Up',4,'s1',NULL,'active',1,now(),now())`, "23505", "cars_plate_key"},
		{"car seats out of range",
			`INSERT INTO cars VALUES ('c2','pool','AB 2','VW','Bus',9,'s1',NULL,'active',1,now(),now())`, "23514", "cars_seats_check"},
		{"pool car without site",
			`INSERT INTO cars VALUES ('c2','pool','AB 2','VW','Up',4,NULL,'m1','active',1,now(),now())`, "23514", "cars_owner_check"},
		{"pool car of unknown site",
			`INSERT INTO cars VALUES ('c2','pool','AB 2','VW','Up',4,'nope',NULL,'active',1,now(),now())`, "23503", "cars_site_id_fkey"},
		{"reservation ends before it starts",
			`INSERT INTO reservations VALUES ('r2','c1','m2','trip','2030-01-02 12:00Z','2030-01-02 11:00Z','active',NULL,now(),now())`, "23514", "reservations_window_check"},
		{"overlapping active reservation",
			`INSERT INTO reservations VALUES ('r2','c1','m2','trip','2030-01-01 11:59Z','2030-01-01 13:00Z','active',NULL,now(),now())`, "23P01", "reservations_no_overlap"},
		{"reactivating a reservation into an overlap",
			`INSERT INTO reservations VALUES ('r2','c1','m2','trip','2030-01-01 11:00Z','2030-01-01 13:00Z','cancelled',NULL,now(),now());
			 UPDATE reservations SET status = 'active' WHERE id = 'r2'`, "23P01", "reservations_no_overlap"},
		{"ride offers more seats than any car",
			`UPDATE rides SET seats = 8 WHERE id = 'ride1'`, "23514", "rides_seats_check"},
		{"seats taken beyond seats",
			`UPDATE rides SET seats_taken = 3 WHERE id = 'ride1'`, "23514", "rides_seats_taken_check"},
		{"seats shrink below seats taken",
			`UPDATE rides SET seats_taken = 2 WHERE id = 'ride1'; UPDATE rides SET seats = 1 WHERE id = 'ride1'`, "23514", "rides_seats_taken_check"},
		{"driver books own ride",
			`INSERT INTO bookings VALUES ('b1','ride1','m1','m1',1,'pending',NULL,now(),now())`, "23514", "bookings_not_own_ride"},
		{"driver copied wrongly",
			`INSERT INTO bookings VALUES ('b1','ride1','m2','m3',1,'pending',NULL,now(),now())`, "23503", "bookings_ride_driver_fkey"},
		{"second active booking of one passenger",
			`INSERT INTO bookings VALUES ('b1','ride1','m1','m2',1,'waitlisted',NULL,now(),now());
			 INSERT INTO bookings VALUES ('b2','ride1','m1','m2',1,'pending',NULL,now(),now())`, "23505", "bookings_active_key"},
		{"confirmed seats beyond the ride's",
			`INSERT INTO bookings VALUES ('b1','ride1','m1','m2',2,'confirmed',NULL,now(),now());
			 INSERT INTO bookings VALUES ('b2','ride1','m1','m3',1,'confirmed',NULL,now(),now())`, "23514", "bookings_seats_within_ride"},
		{"confirming a pending booking into an overbooking",
			`INSERT INTO bookings VALUES ('b1','ride1','m1','m2',2,'confirmed',NULL,now(),now());
			 INSERT INTO bookings VALUES ('b2','ride1','m1','m3',1,'pending',NULL,now(),now());
			 UPDATE bookings SET status = 'confirmed' WHERE id = 'b2'`, "23514", "bookings_seats_within_ride"},
		{"booking seats below one",
			`INSERT INTO bookings VALUES ('b1','ride1','m1','m2',0,'pending',NULL,now(),now())`, "23514", "bookings_seats_check"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := mustOpenMigrated(t).DB()
			ctx := context.Background()
			if _, err := db.ExecContext(ctx, seed); err != nil {
				t.Fatalf("seed: %v", err)
			}
			_, err := db.ExecContext(ctx, tc.sql)
			var pe *pgconn.PgError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want SQLSTATE %s on %s", err, tc.code, tc.constraint)
			}
			if pe.Code != tc.code || pe.ConstraintName != tc.constraint {
				t.Fatalf("got SQLSTATE %s on %q, want %s on %q (%s)", pe.Code, pe.ConstraintName, tc.code, tc.constraint, pe.Message)
			}
		})
	}
}

// TestSchemaAllows checks the rules refuse only what they must.
func TestSchemaAllows(t *testing.T) {
	tests := []struct{ name, sql string }{
		{"reservation touching end to start",
			`INSERT INTO reservations VALUES ('r2','c1','m2','trip','2030-01-01 12:00Z','2030-01-01 13:00Z','active',NULL,now(),now())`},
		{"overlapping a cancelled reservation",
			`UPDATE reservations SET status = 'cancelled' WHERE id = 'r1';
			 INSERT INTO reservations VALUES ('r2','c1','m2','trip','2030-01-01 11:00Z','2030-01-01 13:00Z','active',NULL,now(),now())`},
		{"new booking after a cancelled one",
			`INSERT INTO bookings VALUES ('b1','ride1','m1','m2',1,'cancelled',NULL,now(),now());
			 INSERT INTO bookings VALUES ('b2','ride1','m1','m2',1,'confirmed',NULL,now(),now())`},
		{"booking the last seat",
			`INSERT INTO bookings VALUES ('b1','ride1','m1','m2',1,'confirmed',NULL,now(),now());
			 INSERT INTO bookings VALUES ('b2','ride1','m1','m3',1,'confirmed',NULL,now(),now())`},
		{"waitlisted seats beyond the ride's",
			`INSERT INTO bookings VALUES ('b1','ride1','m1','m2',2,'confirmed',NULL,now(),now());
			 INSERT INTO bookings VALUES ('b2','ride1','m1','m3',2,'waitlisted',NULL,now(),now())`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := mustOpenMigrated(t).DB()
			ctx := context.Background()
			if _, err := db.ExecContext(ctx, seed); err != nil {
				t.Fatalf("seed: %v", err)
			}
			if _, err := db.ExecContext(ctx, tc.sql); err != nil {
				t.Fatalf("got %v, want the write accepted", err)
			}
		})
	}
}

// TestSeatsHoldWithoutTheStoresLock confirms bookings from many connections at once
// with plain INSERTs that take no lock of their own: the schema's trigger alone keeps
// the confirmed seats within the ride's.
func TestSeatsHoldWithoutTheStoresLock(t *testing.T) {
	db := mustOpenMigrated(t, postgres.WithMaxConns(20)).DB()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, seed); err != nil {
		t.Fatalf("seed: %v", err)
	}
	const passengers = 40
	for i := range passengers {
		if _, err := db.ExecContext(ctx, `INSERT INTO members VALUES ($1, $2, 'P', '', 'member', 'h', now(), now())`,
			fmt.Sprintf("p%d", i), fmt.Sprintf("p%d@x.io", i)); err != nil {
			t.Fatalf("member: %v", err)
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted := 0
	for i := range passengers {
		wg.Go(func() {
			_, err := db.ExecContext(ctx, `INSERT INTO bookings VALUES ($1, 'ride1', 'm1', $2, 1, 'confirmed', NULL, now(), now())`,
				fmt.Sprintf("b%d", i), fmt.Sprintf("p%d", i))
			var pe *pgconn.PgError
			switch {
			case err == nil:
				mu.Lock()
				accepted++
				mu.Unlock()
			case errors.As(err, &pe) && pe.ConstraintName == "bookings_seats_within_ride":
			default:
				t.Errorf("booking %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	var confirmed int
	if err := db.QueryRowContext(ctx, `SELECT coalesce(sum(seats), 0) FROM bookings WHERE ride_id = 'ride1' AND status = 'confirmed'`).Scan(&confirmed); err != nil {
		t.Fatalf("count: %v", err)
	}
	if confirmed != 2 || accepted != 2 {
		t.Fatalf("got %d confirmed seats (%d inserts accepted), want 2", confirmed, accepted)
	}
}

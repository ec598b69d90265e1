package httpapi_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// TestConcurrentBookings has 200 members book one seat each on a 3-seat ride at the same
// moment, through HTTP: exactly 3 are confirmed; the others get 409, or a waitlist place
// when they ask for one.
func TestConcurrentBookings(t *testing.T) {
	for _, waitlist := range []bool{false, true} {
		t.Run(fmt.Sprintf("waitlist=%v", waitlist), func(t *testing.T) {
			const passengers, seats = 200, 3
			e := newEnv(t, envOptions{})
			dan := e.member(t, "Dan Driver", carpool.RoleMember)
			rideID := str(e.ride(t, dan, seats, "instant")["id"])
			members := make([]member, passengers)
			for i := range members {
				members[i] = e.quickMember(t, fmt.Sprintf("Passenger %d", i))
			}

			statuses := make([]string, passengers)
			codes := make([]int, passengers)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i, m := range members {
				wg.Go(func() {
					<-start
					res := e.book(t, m, rideID, 1, waitlist)
					codes[i] = res.status
					if res.status == 201 {
						var b struct{ Status string }
						res.decode(t, &b)
						statuses[i] = b.Status
					}
				})
			}
			close(start)
			wg.Wait()

			count := map[string]int{}
			for i := range codes {
				switch codes[i] {
				case 201:
					count[statuses[i]]++
				case 409:
					count["409"]++
				default:
					count[fmt.Sprint(codes[i])]++
				}
			}
			want := map[string]int{"confirmed": seats, "409": passengers - seats}
			if waitlist {
				want = map[string]int{"confirmed": seats, "waitlisted": passengers - seats}
			}
			if fmt.Sprint(count) != fmt.Sprint(want) {
				t.Errorf("outcomes: got %v, want %v", count, want)
			}
			ride := e.do(t, call{method: "GET", path: "/api/v1/rides/" + rideID, token: dan.token}).want(t, 200).object(t)
			if ride["seats_taken"] != float64(seats) || ride["free_seats"] != 0.0 {
				t.Errorf("ride after the rush: seats_taken %v free_seats %v", ride["seats_taken"], ride["free_seats"])
			}
			confirmed := 0
			for _, b := range ride["bookings"].([]any) {
				if b.(map[string]any)["status"] == "confirmed" {
					confirmed++
				}
			}
			if confirmed != seats {
				t.Errorf("confirmed bookings the driver sees: got %d, want %d", confirmed, seats)
			}
		})
	}
}

// TestConcurrentReservations has 50 members reserve overlapping windows of one car at
// once: exactly one wins.
func TestConcurrentReservations(t *testing.T) {
	const racers = 50
	e := newEnv(t, envOptions{})
	fm := e.member(t, "Fiona Fleet", carpool.RoleFleetManager)
	carID := str(e.poolCar(t, fm, str(e.site(t, fm)["id"]), 5)["id"])
	base := future(72 * time.Hour)
	members := make([]member, racers)
	for i := range members {
		members[i] = e.quickMember(t, fmt.Sprintf("Racer %d", i))
	}
	codes := make([]int, racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, m := range members {
		wg.Go(func() {
			<-start
			// Every window overlaps every other: all contain base+2h.
			s := base.Add(time.Duration(i) * time.Minute)
			res := e.do(t, call{method: "POST", path: "/api/v1/cars/" + carID + "/reservations", token: m.token,
				body: map[string]any{"start": rfc3339(s), "end": rfc3339(s.Add(3 * time.Hour))}})
			codes[i] = res.status
		})
	}
	close(start)
	wg.Wait()
	count := map[int]int{}
	for _, c := range codes {
		count[c]++
	}
	if count[201] != 1 || count[409] != racers-1 {
		t.Errorf("outcomes: got %v, want 1×201 and %d×409", count, racers-1)
	}
	var list struct{ Items []map[string]any }
	e.do(t, call{method: "GET", path: "/api/v1/cars/" + carID + "/reservations", token: fm.token}).want(t, 200).decode(t, &list)
	if len(list.Items) != 1 {
		t.Errorf("active reservations of the car: got %d, want 1", len(list.Items))
	}
}

// TestConcurrentIdempotentRetries sends one creating request 20 times at once under one
// Idempotency-Key: it is carried out once; every other answer is its replay or 409 while
// the first still runs. A car's answer is stored after its commit; a booking's in the
// booking's own transaction, where a retry that ran alongside rolls all of its work back.
func TestConcurrentIdempotentRetries(t *testing.T) {
	const tries = 20
	e := newEnv(t, envOptions{})
	ann := e.member(t, "Ann Owner", carpool.RoleMember)
	rider := e.member(t, "Rita Rider", carpool.RoleMember)
	ride := e.ride(t, e.member(t, "Dan Driver", carpool.RoleMember), 4, "instant")
	for _, tc := range []struct {
		name  string
		c     call
		count func() int
	}{
		{"car", call{method: "POST", path: "/api/v1/cars", token: ann.token, header: map[string]string{"Idempotency-Key": "one-car"},
			body: map[string]any{"kind": "private", "plate": plate(), "make": "Fiat", "model": "Panda", "seats": 4}},
			func() int {
				var cars struct{ Items []map[string]any }
				e.do(t, call{method: "GET", path: "/api/v1/cars?kind=private", token: ann.token}).want(t, 200).decode(t, &cars)
				return len(cars.Items)
			}},
		{"booking", call{method: "POST", path: "/api/v1/rides/" + ride["id"].(string) + "/bookings", token: rider.token,
			header: map[string]string{"Idempotency-Key": "one-booking"}, body: map[string]any{"seats": 1}},
			func() int {
				var r struct {
					SeatsTaken int `json:"seats_taken"`
				}
				e.do(t, call{method: "GET", path: "/api/v1/rides/" + ride["id"].(string), token: rider.token}).want(t, 200).decode(t, &r)
				return r.SeatsTaken
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			results := make([]response, tries)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range results {
				wg.Go(func() {
					<-start
					results[i] = e.do(t, tc.c)
				})
			}
			close(start)
			wg.Wait()
			ids := map[string]int{}
			fresh := 0
			for _, res := range results {
				switch res.status {
				case 201:
					var created struct{ ID string }
					res.decode(t, &created)
					ids[created.ID]++
					if res.header.Get("Idempotent-Replayed") == "" {
						fresh++
					}
				case 409:
					res.problem(t, 409, "idempotency_in_flight", "idempotency_key")
				default:
					t.Errorf("unexpected answer %d: %s", res.status, res.body)
				}
			}
			if fresh != 1 || len(ids) != 1 {
				t.Errorf("created %d times, %d distinct ids; want once", fresh, len(ids))
			}
			if n := tc.count(); n != 1 {
				t.Errorf("after concurrent retries: got %d, want 1", n)
			}
		})
	}
}

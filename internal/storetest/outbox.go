package storetest

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// ev is the part of an event a test pins down.
type ev struct {
	Type, Subject, Recipient, Status, Reason string
}

func summarize(t *testing.T, events []carpool.Event) []ev {
	t.Helper()
	var out []ev
	for _, e := range events {
		var p struct {
			Status string `json:"status"`
			Reason string `json:"reason"`
		}
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			t.Fatalf("event %s payload %q: %v", e.Type, e.Payload, err)
		}
		out = append(out, ev{e.Type, e.SubjectID, e.RecipientID, p.Status, p.Reason})
	}
	return out
}

func testOutbox(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	driver := e.member(carpool.RoleMember)
	p1, p2, p3 := e.member(carpool.RoleMember), e.member(carpool.RoleMember), e.member(carpool.RoleMember)
	site := e.site()

	// step runs fn and checks the events it wrote, in order.
	step := func(t *testing.T, name string, fn func() []ev) {
		t.Helper()
		seq := e.lastSeq()
		want := fn()
		got := summarize(t, e.eventsAfter(seq))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: got events\n%+v\nwant\n%+v", name, got, want)
		}
	}

	t.Run("bookings", func(t *testing.T) {
		var r carpool.Ride
		step(t, "offer", func() []ev {
			r = e.ride(driver, 2, carpool.BookingApproval)
			return []ev{{carpool.EventRideCreated, r.ID, driver.ID, "open", ""}}
		})
		var b1, b2, b3 carpool.Booking
		step(t, "request", func() []ev {
			b1 = e.book(r, p1, 1, false)
			return []ev{{carpool.EventBookingRequested, b1.ID, driver.ID, "pending", ""}}
		})
		step(t, "confirm", func() []ev {
			_, err := e.f.ConfirmBooking(e.ctx, b1.ID, driver)
			noErr(t, err, "confirm")
			return []ev{{carpool.EventBookingConfirmed, b1.ID, p1.ID, "confirmed", "approved"}}
		})
		step(t, "request and confirm the last seat", func() []ev {
			b2 = e.book(r, p2, 1, false)
			_, err := e.f.ConfirmBooking(e.ctx, b2.ID, driver)
			noErr(t, err, "confirm")
			return []ev{
				{carpool.EventBookingRequested, b2.ID, driver.ID, "pending", ""},
				{carpool.EventBookingConfirmed, b2.ID, p2.ID, "confirmed", "approved"},
			}
		})
		step(t, "refused while full", func() []ev {
			_, err := e.f.BookSeats(e.ctx, r.ID, p3, carpool.BookingRequest{Seats: 1})
			wantCode(t, err, carpool.ECONFLICT, "")
			return nil
		})
		step(t, "waitlist", func() []ev {
			b3 = e.book(r, p3, 1, true)
			return []ev{{carpool.EventBookingWaitlisted, b3.ID, p3.ID, "waitlisted", ""}}
		})
		step(t, "cancel moves the waitlist up to the driver", func() []ev {
			_, err := e.f.CancelBooking(e.ctx, b1.ID, p1)
			noErr(t, err, "cancel")
			return []ev{
				{carpool.EventBookingCancelled, b1.ID, driver.ID, "cancelled", "passenger"},
				{carpool.EventBookingRequested, b3.ID, driver.ID, "pending", "waitlist_moved_up"},
			}
		})
		step(t, "the driver confirms it", func() []ev {
			_, err := e.f.ConfirmBooking(e.ctx, b3.ID, driver)
			noErr(t, err, "confirm")
			return []ev{{carpool.EventBookingConfirmed, b3.ID, p3.ID, "confirmed", "approved"}}
		})
		step(t, "driver cancels a booking", func() []ev {
			_, err := e.f.CancelBooking(e.ctx, b2.ID, driver)
			noErr(t, err, "cancel")
			return []ev{{carpool.EventBookingCancelled, b2.ID, p2.ID, "cancelled", "driver"}}
		})
		step(t, "cancel ride", func() []ev {
			_, err := e.f.CancelRide(e.ctx, r.ID, driver)
			noErr(t, err, "cancel ride")
			return []ev{
				{carpool.EventBookingCancelled, b3.ID, p3.ID, "cancelled", "ride_cancelled"},
				{carpool.EventRideCancelled, r.ID, driver.ID, "cancelled", ""},
			}
		})
	})

	t.Run("instant, reject and update", func(t *testing.T) {
		r := e.ride(driver, 1, carpool.BookingInstant)
		var b1, b2 carpool.Booking
		step(t, "instant", func() []ev {
			b1 = e.book(r, p1, 1, false)
			return []ev{{carpool.EventBookingConfirmed, b1.ID, p1.ID, "confirmed", "instant"}}
		})
		step(t, "reject waitlisted", func() []ev {
			b2 = e.book(r, p2, 1, true)
			_, err := e.f.RejectBooking(e.ctx, b2.ID, driver)
			noErr(t, err, "reject")
			return []ev{
				{carpool.EventBookingWaitlisted, b2.ID, p2.ID, "waitlisted", ""},
				{carpool.EventBookingRejected, b2.ID, p2.ID, "rejected", "driver"},
			}
		})
		step(t, "update", func() []ev {
			notes := "new notes"
			_, err := e.f.UpdateRide(e.ctx, r.ID, 0, carpool.RidePatch{Notes: &notes}, driver)
			noErr(t, err, "update")
			return []ev{{carpool.EventRideUpdated, r.ID, driver.ID, "open", ""}}
		})
		step(t, "refused update writes nothing", func() []ev {
			notes := "x"
			_, err := e.f.UpdateRide(e.ctx, r.ID, 0, carpool.RidePatch{Notes: &notes}, p1)
			wantCode(t, err, carpool.EFORBIDDEN, "")
			return nil
		})
	})

	t.Run("reservations", func(t *testing.T) {
		car := e.poolCar(site, 5)
		var r carpool.Reservation
		step(t, "reserve", func() []ev {
			var err error
			r, err = e.f.CreateReservation(e.ctx, car.ID, p1, "", e.at(time.Hour), e.at(2*time.Hour))
			noErr(t, err, "reserve")
			return []ev{{carpool.EventReservationCreated, r.ID, p1.ID, "active", ""}}
		})
		step(t, "overlap writes nothing", func() []ev {
			_, err := e.f.CreateReservation(e.ctx, car.ID, p2, "", e.at(time.Hour), e.at(2*time.Hour))
			wantCode(t, err, carpool.ECONFLICT, "")
			return nil
		})
		step(t, "cancel", func() []ev {
			_, err := e.f.CancelReservation(e.ctx, r.ID, p1)
			noErr(t, err, "cancel")
			return []ev{{carpool.EventReservationCancelled, r.ID, p1.ID, "cancelled", ""}}
		})
	})

	t.Run("sequence and paging", func(t *testing.T) {
		events, err := e.s.Events(e.ctx, 0, 3)
		noErr(t, err, "events")
		if len(events) != 3 {
			t.Fatalf("got %d events, want 3", len(events))
		}
		for i := 1; i < len(events); i++ {
			if events[i].Seq <= events[i-1].Seq {
				t.Fatalf("events out of order: %d after %d", events[i].Seq, events[i-1].Seq)
			}
		}
		next, err := e.s.Events(e.ctx, events[1].Seq, 1)
		noErr(t, err, "events")
		if len(next) != 1 || next[0].ID != events[2].ID {
			t.Fatalf("events after seq %d: got %+v, want %s", events[1].Seq, next, events[2].ID)
		}
		if events[0].ID == "" || events[0].CreatedAt.IsZero() {
			t.Fatalf("event lacks id or time: %+v", events[0])
		}
	})
}

package notify_test

import (
	"carpool/internal/storetest"
	"slices"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/notify"
)

// TestMailByDefault: a member who never chose gets by e-mail what needs their action or
// changes their plans (a seat request, a confirmation, a cancellation) and reminders in the
// inbox only; one who turned a kind off gets it in the inbox only.
func TestMailByDefault(t *testing.T) {
	w := newWorld(t, "rico@example.com")
	for _, m := range []carpool.Member{w.driver, w.rider} {
		if err := w.db.SetEmailChoices(w.ctx, m.ID, nil); err != nil { // as after sign-up: nothing chosen
			t.Fatal(err)
		}
	}
	r := notify.New(w.db, notify.Options{Senders: map[string]notify.Sender{carpool.ChannelEmail: failSender{t}}, ReminderLead: 72 * time.Hour})
	mailed := func() map[string][]string { // kind → recipients
		t.Helper()
		if _, err := r.FanOut(w.ctx); err != nil {
			t.Fatal(err)
		}
		rows, err := w.db.DB().QueryContext(w.ctx, `SELECT e.type, d.recipient FROM deliveries d JOIN outbox_events e ON e.id = d.event_id
			WHERE d.channel = 'email' ORDER BY d.id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string][]string{}
		for rows.Next() {
			var kind, to string
			if err := rows.Scan(&kind, &to); err != nil {
				t.Fatal(err)
			}
			out[kind] = append(out[kind], to)
		}
		return out
	}

	b, err := storetest.NewFlows(w.db).BookSeats(w.ctx, w.ride.ID, w.rider, carpool.BookingRequest{Seats: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.NewFlows(w.db).ConfirmBooking(w.ctx, b.ID, w.driver); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Remind(w.ctx); err != nil {
		t.Fatal(err)
	}
	got := mailed()
	if !slices.Equal(got[carpool.EventBookingRequested], []string{w.driver.ID}) || !slices.Equal(got[carpool.EventBookingConfirmed], []string{w.rider.ID}) {
		t.Errorf("mailed by default: got %v, want the request to the driver and the confirmation to the rider", got)
	}
	if len(got[carpool.EventRideReminder]) != 0 {
		t.Errorf("reminders mailed by default: %v", got[carpool.EventRideReminder])
	}
	if n := len(w.inbox(w.driver)); n != 2 {
		t.Errorf("driver's inbox: got %d, want the request and the reminder", n)
	}

	// The driver keeps every default but cancellations.
	var keep []string
	for _, k := range carpool.MailedByDefault {
		if k != carpool.EventBookingCancelled {
			keep = append(keep, k)
		}
	}
	if err := app.New(w.db, app.Options{}).SetEmailKinds(w.ctx, w.driver, keep); err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.NewFlows(w.db).CancelBooking(w.ctx, b.ID, w.rider); err != nil {
		t.Fatal(err)
	}
	if got := mailed(); len(got[carpool.EventBookingCancelled]) != 0 {
		t.Errorf("a cancellation mailed to a driver who turned them off: %v", got[carpool.EventBookingCancelled])
	}
	if in := w.inbox(w.driver); len(in) != 3 || in[0].Kind != carpool.EventBookingCancelled {
		t.Errorf("driver's inbox: got %+v, want the cancellation there", in)
	}
}

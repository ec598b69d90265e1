package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"carpool/internal/carpool"
)

// Kinds are the event types a member can hear about, in the order the preferences page
// lists them, with the words it uses.
var Kinds = []struct{ Type, Label string }{
	{carpool.EventBookingRequested, "Someone asks for a seat on my ride"},
	{carpool.EventBookingConfirmed, "My seat is confirmed (also from the waitlist)"},
	{carpool.EventBookingRejected, "The driver declines my request"},
	{carpool.EventBookingCancelled, "A booking of mine or on my ride is cancelled"},
	{carpool.EventRideUpdated, "A ride I booked changes"},
	{carpool.EventReservationCancelled, "A fleet manager cancels my car reservation"},
	{carpool.EventRideReminder, "Reminder before a ride departs"},
}

// KnownKind reports whether typ is one of Kinds.
func KnownKind(typ string) bool {
	return slices.ContainsFunc(Kinds, func(k struct{ Type, Label string }) bool { return k.Type == typ })
}

// eventBody is the union of the outbox payloads the relay reads.
type eventBody struct {
	BookingID     string    `json:"booking_id"`
	RideID        string    `json:"ride_id"`
	PassengerID   string    `json:"passenger_id"`
	DriverID      string    `json:"driver_id"`
	Seats         int       `json:"seats"`
	Status        string    `json:"status"`
	Reason        string    `json:"reason"`
	ReservationID string    `json:"reservation_id"`
	CarID         string    `json:"car_id"`
	MemberID      string    `json:"member_id"`
	Start         time.Time `json:"start"`
	End           time.Time `json:"end"`
}

// message is what one member is told about one event.
type message struct {
	member string
	title  string
	body   string
	link   string
}

// MailPayload is the payload of an e-mail delivery: everything the mail is made of, fixed
// when the event is fanned out.
type MailPayload struct {
	To     string `json:"to"`
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Title  string `json:"title"`
	Body   string `json:"body"`
	Link   string `json:"link"` // a path of the web UI
	Notice string `json:"notice_id"`
}

// WebhookPayload is the body of a webhook delivery, in the Standard Webhooks shape.
type WebhookPayload struct {
	Type      string          `json:"type"`
	Timestamp time.Time       `json:"timestamp"`
	Data      json.RawMessage `json:"data"`
}

// plan decides who hears about e and on which channels: the table in
// docs/notifications.md. It reads the current state only to name things and to find the
// passengers of a changed ride.
func (r *Relay) plan(ctx context.Context, e carpool.Event) (carpool.Fanout, error) {
	var f carpool.Fanout
	var body eventBody
	if err := json.Unmarshal(e.Payload, &body); err != nil {
		// A payload this relay cannot read tells nobody anything; webhooks still get it.
		r.log.Warn("notify: unreadable event payload", "event", e.ID, "type", e.Type, "err", err)
	}
	msgs, err := r.messages(ctx, e, body)
	if err != nil {
		return f, err
	}
	for _, m := range msgs {
		n := carpool.Notification{ID: carpool.NewID(), MemberID: m.member, EventID: e.ID, Kind: e.Type,
			Title: m.title, Body: m.body, Link: m.link, CreatedAt: carpool.Timestamp(r.now())}
		f.Notifications = append(f.Notifications, n)
		if r.senders[carpool.ChannelEmail] == nil {
			continue
		}
		kinds, err := r.store.EmailKinds(ctx, m.member)
		if err != nil {
			return f, err
		}
		if !slices.Contains(kinds, e.Type) {
			continue
		}
		member, err := r.store.Member(ctx, m.member)
		if err != nil {
			return f, err
		}
		if !member.Active() {
			continue // someone who left the company gets no more mail from it
		}
		p, _ := json.Marshal(MailPayload{To: member.Email, Name: member.Name, Kind: e.Type, Title: m.title,
			Body: m.body, Link: m.link, Notice: n.ID})
		f.Deliveries = append(f.Deliveries, carpool.Delivery{ID: carpool.NewID(), EventID: e.ID,
			Channel: carpool.ChannelEmail, Recipient: m.member, Payload: p, EventCreatedAt: e.CreatedAt})
	}
	if r.senders[carpool.ChannelWebhook] != nil {
		hooks, err := r.store.Webhooks(ctx)
		if err != nil {
			return f, err
		}
		for _, h := range hooks {
			if !h.Enabled || !h.Wants(e.Type) {
				continue
			}
			p, _ := json.Marshal(WebhookPayload{Type: e.Type, Timestamp: e.CreatedAt, Data: e.Payload})
			f.Deliveries = append(f.Deliveries, carpool.Delivery{ID: carpool.NewID(), EventID: e.ID,
				Channel: carpool.ChannelWebhook, Recipient: h.ID, Payload: p, EventCreatedAt: e.CreatedAt})
		}
	}
	return f, nil
}

// messages implements the who-hears-what table.
func (r *Relay) messages(ctx context.Context, e carpool.Event, b eventBody) ([]message, error) {
	rideLink := "/rides/" + b.RideID
	switch e.Type {
	case carpool.EventBookingRequested:
		ride, who, err := r.rideAnd(ctx, b.RideID, b.PassengerID)
		if err != nil {
			return nil, err
		}
		return []message{{e.RecipientID, "New seat request",
			fmt.Sprintf("%s asks for %s on your ride %s. Confirm or decline it on the ride's page.", who, seats(b.Seats), ride), rideLink}}, nil
	case carpool.EventBookingConfirmed:
		ride, _, err := r.rideAnd(ctx, b.RideID, "")
		if err != nil {
			return nil, err
		}
		title, text := "Seat confirmed", fmt.Sprintf("Your %s on the ride %s is confirmed.", seats(b.Seats), ride)
		if b.Reason == "waitlist_promoted" {
			title, text = "Off the waitlist: seat confirmed", fmt.Sprintf("A seat freed up: your %s on the ride %s is now confirmed.", seats(b.Seats), ride)
		}
		return []message{{e.RecipientID, title, text, rideLink}}, nil
	case carpool.EventBookingRejected:
		ride, _, err := r.rideAnd(ctx, b.RideID, "")
		if err != nil {
			return nil, err
		}
		return []message{{e.RecipientID, "Seat request declined",
			fmt.Sprintf("The driver declined your request for the ride %s.", ride), rideLink}}, nil
	case carpool.EventBookingCancelled:
		switch b.Reason {
		case "passenger":
			ride, who, err := r.rideAnd(ctx, b.RideID, b.PassengerID)
			if err != nil {
				return nil, err
			}
			return []message{{e.RecipientID, "Booking cancelled",
				fmt.Sprintf("%s cancelled their booking (%s) on your ride %s.", who, seats(b.Seats), ride), rideLink}}, nil
		case "ride_cancelled":
			ride, _, err := r.rideAnd(ctx, b.RideID, "")
			if err != nil {
				return nil, err
			}
			return []message{{e.RecipientID, "Ride cancelled",
				fmt.Sprintf("The driver cancelled the ride %s; your booking is cancelled with it.", ride), rideLink}}, nil
		default:
			ride, _, err := r.rideAnd(ctx, b.RideID, "")
			if err != nil {
				return nil, err
			}
			return []message{{e.RecipientID, "Booking cancelled by the driver",
				fmt.Sprintf("The driver cancelled your booking on the ride %s.", ride), rideLink}}, nil
		}
	case carpool.EventRideUpdated:
		rideID := e.SubjectID
		ride, _, err := r.rideAnd(ctx, rideID, "")
		if err != nil {
			return nil, err
		}
		bookings, err := r.activeBookings(ctx, rideID)
		if err != nil {
			return nil, err
		}
		var out []message
		for _, bk := range bookings {
			out = append(out, message{bk.PassengerID, "Ride changed",
				fmt.Sprintf("The driver changed the ride %s. Check the details.", ride), "/rides/" + rideID})
		}
		return out, nil
	case carpool.EventReservationCancelled:
		res, err := r.store.Reservation(ctx, e.SubjectID)
		if err != nil {
			if carpool.ErrorCode(err) == carpool.ENOTFOUND {
				return nil, nil
			}
			return nil, err
		}
		if res.CancelledBy == "" || res.CancelledBy == res.MemberID {
			return nil, nil // the holder cancelled it: nothing to tell them
		}
		return []message{{res.MemberID, "Car reservation cancelled",
			fmt.Sprintf("A fleet manager cancelled your reservation of the pool car from %s to %s.",
				r.when(res.Start), r.when(res.End)), "/cars/" + res.CarID}}, nil
	case carpool.EventRideReminder:
		rideID := e.SubjectID
		ride, _, err := r.rideAnd(ctx, rideID, "")
		if err != nil {
			return nil, err
		}
		return []message{{e.RecipientID, "Ride soon", fmt.Sprintf("Reminder: the ride %s departs soon.", ride), "/rides/" + rideID}}, nil
	}
	// ride.created, reservation.created, booking.waitlisted, ride.cancelled: the member
	// acted themselves, or (ride.cancelled) each passenger hears through their booking.
	return nil, nil
}

// rideAnd describes a ride ("Berlin HQ → Potsdam, Mon 2 Dec 17:15") and names a member;
// a ride or member gone since keeps the text readable rather than failing the relay.
func (r *Relay) rideAnd(ctx context.Context, rideID, memberID string) (string, string, error) {
	desc := "you booked"
	ride, err := r.store.Ride(ctx, rideID)
	switch {
	case err == nil:
		desc = fmt.Sprintf("%s → %s, %s", ride.From.Label, ride.To.Label, r.when(ride.DepartAt))
	case carpool.ErrorCode(err) != carpool.ENOTFOUND:
		return "", "", err
	}
	if memberID == "" {
		return desc, "", nil
	}
	who := "A colleague"
	m, err := r.store.Member(ctx, memberID)
	switch {
	case err == nil:
		who = m.Name
	case carpool.ErrorCode(err) != carpool.ENOTFOUND:
		return "", "", err
	}
	return desc, who, nil
}

func (r *Relay) activeBookings(ctx context.Context, rideID string) ([]carpool.Booking, error) {
	var out []carpool.Booking
	p := carpool.Page{Limit: carpool.MaxPageLimit}
	for {
		items, next, err := r.store.Bookings(ctx, carpool.BookingFilter{RideID: rideID, ActiveOnly: true}, p)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" {
			return out, nil
		}
		p.Cursor = next
	}
}

func (r *Relay) when(t time.Time) string {
	return t.In(r.loc).Format("Mon 2 Jan 15:04 MST")
}

func seats(n int) string {
	if n == 1 {
		return "1 seat"
	}
	return fmt.Sprintf("%d seats", n)
}

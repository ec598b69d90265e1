package notify

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/locale"
)

// Kinds are the event types a member can hear about, in the order the preferences page
// lists them; each is named by the catalogue text "kind." + its type.
var Kinds = []string{
	carpool.EventBookingRequested,
	carpool.EventBookingConfirmed,
	carpool.EventBookingRejected,
	carpool.EventBookingCancelled,
	carpool.EventRideUpdated,
	carpool.EventRideMessage,
	carpool.EventReservationCancelled,
	carpool.EventRideReminder,
	carpool.EventSeriesSkipped,
	carpool.EventSeriesEnded,
	carpool.EventSeriesConflict,
	carpool.EventRideParking,
}

// KnownKind reports whether typ is one of Kinds.
func KnownKind(typ string) bool { return slices.Contains(Kinds, typ) }

// message is what one member is told about one event, in words said in the member's
// language once the relay knows it.
type message struct {
	member string
	link   string
	// title and body are catalogue ids; data fills their placeholders, where a *rideRef
	// is said as the ride's description and a *personRef as the person's name.
	title, body string
	data        []any
	seats       int // 0 unless body is plural in seats
}

// rideRef is a ride a text names; ok is false when it is gone.
type rideRef struct {
	ride carpool.Ride
	ok   bool
}

// personRef is a member a text names; ok is false when they are gone.
type personRef struct {
	name string
	ok   bool
}

// reader is how a recipient reads a text: their language and the zone of their clock.
// named says whether the zone is to be named after each time: it is not when the reader
// chose it (their own clock, as on every page), it is when the text falls back to the
// installation's zone, which the reader may not share.
type reader struct {
	p     *locale.Printer
	loc   *time.Location
	named bool
}

// say renders m for the reader r.
func (m message) say(r reader) (title, body string) {
	p := r.p
	data := make([]any, 0, len(m.data))
	for i, v := range m.data {
		if i%2 == 1 {
			switch v := v.(type) {
			case *rideRef:
				if !v.ok {
					data = append(data, p.T("notify.ride_gone"))
					continue
				}
				data = append(data, p.T("notify.ride", "From", v.ride.From.Label, "To", v.ride.To.Label, "When", r.when(v.ride.DepartAt)))
				continue
			case moment:
				data = append(data, r.when(time.Time(v)))
				continue
			case day:
				data = append(data, p.Day(time.Time(v)))
				continue
			case *seriesRef:
				if !v.ok {
					data = append(data, p.T("notify.series_gone"))
					continue
				}
				data = append(data, p.T("notify.series", "From", v.series.From.Label, "To", v.series.To.Label,
					"Days", p.Weekdays(v.series.Weekdays.Has), "Time", v.series.DepartTime.String()))
				continue
			case *personRef:
				if !v.ok {
					data = append(data, p.T("notify.person_gone"))
					continue
				}
				data = append(data, v.name)
				continue
			}
		}
		data = append(data, v)
	}
	if m.seats > 0 {
		return p.T(m.title), p.N(m.body, m.seats, data...)
	}
	return p.T(m.title), p.T(m.body, data...)
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
	// Language is the code of the recipient's language, in which Title and Body are
	// written and the rest of the mail is to be; empty in mails queued before it existed.
	Language string `json:"language,omitempty"`
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
	body, err := e.Decode()
	if err != nil {
		// A payload this relay cannot read tells nobody anything; webhooks still get it.
		r.log.Warn("notify: unreadable event payload", "event", e.ID, "type", e.Type, "err", err)
	}
	msgs, err := r.messages(ctx, e, body)
	if err != nil {
		return f, err
	}
	for _, m := range msgs {
		// The texts are fixed now, in the recipient's language (their setting, else the
		// default): the inbox shows them as written, and a mail sent later says the same.
		member, err := r.store.Member(ctx, m.member)
		if err != nil {
			return f, err
		}
		lang := locale.ForCode(member.Language, r.lang)
		title, text := m.say(reader{p: lang, loc: member.Location(r.loc), named: member.TimeZone == ""})
		n := carpool.Notification{ID: carpool.NewID(), MemberID: m.member, EventID: e.ID, Kind: e.Type,
			Title: title, Body: text, Link: m.link, Language: lang.Code(), CreatedAt: carpool.Timestamp(r.now())}
		f.Notifications = append(f.Notifications, n)
		if r.senders[carpool.ChannelEmail] == nil {
			continue
		}
		choices, err := r.store.EmailChoices(ctx, m.member)
		if err != nil {
			return f, err
		}
		if !carpool.Mailed(e.Type, choices) {
			continue
		}
		if !member.Active() {
			continue // someone who left the company gets no more mail from it
		}
		p, _ := json.Marshal(MailPayload{To: member.Email, Name: member.Name, Kind: e.Type, Title: title,
			Body: text, Link: m.link, Notice: n.ID, Language: lang.Code()})
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
func (r *Relay) messages(ctx context.Context, e carpool.Event, b carpool.Payload) ([]message, error) {
	rideLink := "/rides/" + b.RideID
	switch e.Type {
	case carpool.EventBookingRequested:
		ride, who, err := r.rideAnd(ctx, b.RideID, b.PassengerID)
		if err != nil {
			return nil, err
		}
		out := []message{{member: e.RecipientID, link: rideLink, title: "notify.requested.title", body: "notify.requested.body",
			data: []any{"Who", who, "Ride", ride}, seats: b.Seats}}
		if b.Reason == carpool.ReasonWaitlistMovedUp && b.PassengerID != "" {
			// The passenger did nothing this time: a freed seat moved them up, and they
			// learn that their request now waits for the driver.
			out = append(out, message{member: b.PassengerID, link: rideLink, title: "notify.moved_up.title", body: "notify.moved_up.body",
				data: []any{"Ride", ride}, seats: b.Seats})
		}
		return out, nil
	case carpool.EventBookingConfirmed:
		ride, who, err := r.rideAnd(ctx, b.RideID, b.PassengerID)
		if err != nil {
			return nil, err
		}
		m := message{member: e.RecipientID, link: rideLink, title: "notify.confirmed.title", body: "notify.confirmed.body",
			data: []any{"Ride", ride}, seats: b.Seats}
		if b.Reason == carpool.ReasonWaitlistPromoted {
			m.title, m.body = "notify.promoted.title", "notify.promoted.body"
		}
		out := []message{m}
		if (b.Reason == carpool.ReasonInstant || b.Reason == carpool.ReasonWaitlistPromoted) && b.DriverID != "" && b.DriverID != b.PassengerID {
			// Nobody asked the driver: on an instant ride they learn who now rides with them.
			out = append(out, message{member: b.DriverID, link: rideLink, title: "notify.booked.title", body: "notify.booked.body",
				data: []any{"Who", who, "Ride", ride}, seats: b.Seats})
		}
		return out, nil
	case carpool.EventBookingRejected:
		ride, _, err := r.rideAnd(ctx, b.RideID, "")
		if err != nil {
			return nil, err
		}
		return []message{{member: e.RecipientID, link: rideLink, title: "notify.rejected.title", body: "notify.rejected.body",
			data: []any{"Ride", ride}}}, nil
	case carpool.EventBookingCancelled:
		switch b.Reason {
		case carpool.ReasonPassenger:
			ride, who, err := r.rideAnd(ctx, b.RideID, b.PassengerID)
			if err != nil {
				return nil, err
			}
			return []message{{member: e.RecipientID, link: rideLink, title: "notify.passenger_cancelled.title", body: "notify.passenger_cancelled.body",
				data: []any{"Who", who, "Ride", ride}, seats: b.Seats}}, nil
		case carpool.ReasonRideCancelled:
			ride, _, err := r.rideAnd(ctx, b.RideID, "")
			if err != nil {
				return nil, err
			}
			return []message{{member: e.RecipientID, link: rideLink, title: "notify.ride_cancelled.title", body: "notify.ride_cancelled.body",
				data: []any{"Ride", ride}}}, nil
		default:
			ride, _, err := r.rideAnd(ctx, b.RideID, "")
			if err != nil {
				return nil, err
			}
			return []message{{member: e.RecipientID, link: rideLink, title: "notify.driver_cancelled.title", body: "notify.driver_cancelled.body",
				data: []any{"Ride", ride}}}, nil
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
			out = append(out, message{member: bk.PassengerID, link: "/rides/" + rideID, title: "notify.ride_updated.title", body: "notify.ride_updated.body",
				data: []any{"Ride", ride}})
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
		return []message{{member: res.MemberID, link: "/cars/" + res.CarID, title: "notify.reservation_cancelled.title", body: "notify.reservation_cancelled.body",
			data: []any{"Start", moment(res.Start), "End", moment(res.End)}}}, nil
	case carpool.EventRideReminder:
		rideID := e.SubjectID
		ride, _, err := r.rideAnd(ctx, rideID, "")
		if err != nil {
			return nil, err
		}
		return []message{{member: e.RecipientID, link: "/rides/" + rideID, title: "notify.reminder.title", body: "notify.reminder.body",
			data: []any{"Ride", ride}}}, nil
	case carpool.EventSeriesSkipped, carpool.EventSeriesEnded, carpool.EventSeriesConflict:
		return r.seriesMessage(ctx, e, b)
	case carpool.EventRideParking:
		ride, _, err := r.rideAnd(ctx, b.RideID, "")
		if err != nil {
			return nil, err
		}
		m := message{member: e.RecipientID, link: rideLink, title: "notify.space_granted.title", body: "notify.space_granted.body",
			data: []any{"Ride", ride, "Space", b.Space}}
		if b.Reason == carpool.ReasonSpaceReleased {
			m.title, m.body = "notify.space_released.title", "notify.space_released.body"
		}
		if d, err := carpool.ParseDate(b.Date); err == nil {
			m.data = append(m.data, "Day", day(time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)))
		}
		return []message{m}, nil
	case carpool.EventRideMessage:
		// Who wrote and where, never what: the words stay in the thread, where an
		// erasure or the retention can reach them.
		ride, who, err := r.rideAnd(ctx, b.RideID, b.MemberID)
		if err != nil {
			return nil, err
		}
		return []message{{member: e.RecipientID, link: rideLink + "#messages", title: "notify.message.title", body: "notify.message.body",
			data: []any{"Who", who, "Ride", ride}}}, nil
	}
	// ride.created, reservation.created, booking.waitlisted, ride.cancelled: the member
	// acted themselves, or (ride.cancelled) each passenger hears through their booking.
	return nil, nil
}

// rideAnd finds a ride to describe ("Berlin HQ → Potsdam, Mon 2 Dec 17:15") and a
// member to name; a ride or member gone since keeps the text readable rather than
// failing the relay.
func (r *Relay) rideAnd(ctx context.Context, rideID, memberID string) (*rideRef, *personRef, error) {
	ride := &rideRef{}
	got, err := r.store.Ride(ctx, rideID)
	switch {
	case err == nil:
		ride.ride, ride.ok = got, true
	case carpool.ErrorCode(err) != carpool.ENOTFOUND:
		return nil, nil, err
	}
	if memberID == "" {
		return ride, nil, nil
	}
	who := &personRef{}
	m, err := r.store.Member(ctx, memberID)
	switch {
	case err == nil:
		who.name, who.ok = m.Name, true
	case carpool.ErrorCode(err) != carpool.ENOTFOUND:
		return nil, nil, err
	}
	return ride, who, nil
}

// seriesMessage tells a commute's driver or subscriber (and, for a conflict, every fleet
// manager) what happened to the commute: a day that will not run, its end, or a day
// whose pool car was taken by another reservation or a maintenance block.
func (r *Relay) seriesMessage(ctx context.Context, e carpool.Event, b carpool.Payload) ([]message, error) {
	sr := &seriesRef{}
	got, err := r.store.Series(ctx, b.SeriesID)
	switch {
	case err == nil:
		sr.series, sr.ok = got, true
	case carpool.ErrorCode(err) != carpool.ENOTFOUND:
		return nil, err
	}
	m := message{member: e.RecipientID, link: "/commutes/" + b.SeriesID, data: []any{"Series", sr}}
	if d, err := carpool.ParseDate(b.Date); err == nil {
		m.data = append(m.data, "Day", day(time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)))
	}
	switch e.Type {
	case carpool.EventSeriesSkipped:
		m.title, m.body = "notify.series_skipped.title", "notify.series_skipped.body"
	case carpool.EventSeriesEnded:
		m.title, m.body = "notify.series_ended.title", "notify.series_ended.body"
	default:
		m.title, m.body = "notify.series_conflict.title", "notify.series_conflict.body"
	}
	return []message{m}, nil
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

// moment is a time a text names, said in the recipient's language by message.say.
type moment time.Time

// day is a calendar day a text names (noon UTC of it), said with its weekday.
type day time.Time

// seriesRef is a commute a text names; ok is false when it is gone.
type seriesRef struct {
	series carpool.Series
	ok     bool
}

// when says t for a notification in the reader's zone: the page's moment, followed by
// the zone's abbreviation when the zone is not the reader's own choice ("Mon 2 Dec 2026,
// 17:15 UTC"), since a mail may then be read far from it.
func (r reader) when(t time.Time) string {
	t = t.In(r.loc)
	if !r.named {
		return r.p.When(t)
	}
	return r.p.When(t) + " " + t.Format("MST")
}

package notify

import (
	"context"
	"encoding/json"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/locale"
)

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
	if err := r.withAlternatives(ctx, e, body, msgs); err != nil {
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

// messages implements the who-hears-what table of docs/notifications.md; ride.created,
// reservation.created and booking.waitlisted tell nobody: the member acted themselves;
// ride.cancelled tells only a driver whose ride someone else cancelled (each passenger
// hears through their booking).
func (r *Relay) messages(ctx context.Context, e carpool.Event, b carpool.Payload) ([]message, error) {
	switch e.Type {
	case carpool.EventBookingRequested:
		return r.bookingRequested(ctx, e, b)
	case carpool.EventBookingConfirmed:
		return r.bookingConfirmed(ctx, e, b)
	case carpool.EventBookingRejected:
		return r.bookingRejected(ctx, e, b)
	case carpool.EventBookingCancelled:
		return r.bookingCancelled(ctx, e, b)
	case carpool.EventRideUpdated:
		return r.rideUpdated(ctx, e, b)
	case carpool.EventRideCancelled:
		return r.rideCancelled(ctx, e, b)
	case carpool.EventRideReminder:
		return r.rideReminder(ctx, e, b)
	case carpool.EventRideMessage:
		return r.rideMessage(ctx, e, b)
	case carpool.EventReservationCancelled:
		return r.reservationCancelled(ctx, e, b)
	case carpool.EventSeriesSkipped, carpool.EventSeriesEnded, carpool.EventSeriesConflict:
		return r.seriesMessage(ctx, e, b)
	case carpool.EventRideParking:
		return r.rideParking(ctx, e, b)
	case carpool.EventRideHomeRequested, carpool.EventRideHomeDecided:
		return r.rideHome(ctx, e, b)
	}
	return nil, nil
}

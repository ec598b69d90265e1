package carpool

import (
	"context"
	"encoding/json"
	"time"
)

// Delivery channels. The inbox is written together with the fan-out of an event, so it
// never waits; mail and webhooks go through the outside world and are retried.
const (
	ChannelInbox   = "inbox"
	ChannelEmail   = "email"
	ChannelWebhook = "webhook"
)

// Delivery states. A pending delivery is tried until it succeeds or has used its
// attempts; a dead one waits for an admin to retry it.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryDead      = "dead"
)

// Notification is one entry of a member's in-app inbox: what happened, in words, with a
// link to the ride it is about.
type Notification struct {
	ID       string
	MemberID string
	EventID  string
	Kind     string // the event type, e.g. booking.confirmed
	Title    string
	Body     string
	Link     string // a path of the web UI, e.g. /rides/{id}
	// Language is the code of the language Title and Body are written in ("de"); empty
	// for notifications written before it was kept.
	Language  string
	CreatedAt time.Time
	ReadAt    time.Time // zero while unread
}

// Read reports whether the member has marked the notification read.
func (n Notification) Read() bool { return !n.ReadAt.IsZero() }

// Delivery is one (event, channel, recipient) to send outside the inbox. Payload is what
// the channel needs, fixed when the event was fanned out, so a retry sends the same
// message; ID stays the same across attempts and serves as the message's identity.
type Delivery struct {
	ID             string
	EventID        string
	Channel        string
	Recipient      string // a member id for mail, a webhook id for webhooks
	Payload        json.RawMessage
	Status         string
	Attempts       int
	NextAttemptAt  time.Time
	LastError      string
	EventCreatedAt time.Time // when the event committed, for the lag histogram
	CreatedAt      time.Time
	DeliveredAt    time.Time
}

// Fanout is what one outbox event becomes: inbox entries, and deliveries to the other
// channels (each Delivery with ID, EventID, Channel, Recipient, Payload and
// EventCreatedAt set).
type Fanout struct {
	Notifications []Notification
	Deliveries    []Delivery
}

// Webhook is an endpoint that an admin registered for integrations. Events lists the
// event types it receives (empty: all). Secret is the whsec_ signing secret.
type Webhook struct {
	ID          string
	URL         string
	Secret      string
	Events      []string
	Enabled     bool
	Failures    int // consecutive failed attempts since the last success
	CreatedAt   time.Time
	DisabledAt  time.Time
	Description string
}

// Wants reports whether the webhook receives events of type typ.
func (w Webhook) Wants(typ string) bool {
	if len(w.Events) == 0 {
		return true
	}
	for _, e := range w.Events {
		if e == typ {
			return true
		}
	}
	return false
}

// NotificationStore is the part of the Store contract that delivers outbox events.
// Every method is one transaction.
type NotificationStore interface {
	// FanOutEvents takes the next events after the relay's cursor (at most limit, in seq
	// order) and lets plan turn each into a Fanout, outside any transaction; then, in one
	// transaction that only one process at a time holds, it stores the notifications and
	// deliveries (each (event, channel, recipient) once) and moves the cursor past them,
	// if the cursor has not moved since. It returns how many events it stored; 0 when
	// none were waiting or another process stored them first.
	FanOutEvents(ctx context.Context, limit int, plan func(ctx context.Context, e Event) (Fanout, error)) (int, error)
	// ClaimDeliveries leases up to limit pending deliveries that are due at now (oldest
	// first) for lease: each gets one more attempt and is hidden from other claims until
	// the lease ends, so a process that dies mid-send leaves it to another.
	ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]Delivery, error)
	// FinishDelivery records the outcome of the attempt claimed as d: delivered when
	// sendErr is nil; otherwise pending again at retryAt, or dead when retryAt is zero.
	FinishDelivery(ctx context.Context, d Delivery, sendErr error, retryAt time.Time) error
	// DeadDeliveries lists the deliveries that used all their attempts, for admins.
	DeadDeliveries(ctx context.Context, p Page) ([]Delivery, string, error)
	// RetryDelivery makes a dead delivery pending again with fresh attempts.
	RetryDelivery(ctx context.Context, id string) error
	// PurgeDeliveries deletes delivered deliveries and fanned-out events older than before.
	PurgeDeliveries(ctx context.Context, before time.Time) (int64, error)

	// Notifications lists a member's inbox, newest first.
	Notifications(ctx context.Context, memberID string, p Page) ([]Notification, string, error)
	// UnreadNotifications counts a member's unread notifications.
	UnreadNotifications(ctx context.Context, memberID string) (int, error)
	// MarkNotificationRead marks one of the member's notifications read; ENOTFOUND if it
	// is not theirs.
	MarkNotificationRead(ctx context.Context, memberID, id string, now time.Time) error
	// MarkAllNotificationsRead marks every notification of the member read.
	MarkAllNotificationsRead(ctx context.Context, memberID string, now time.Time) error

	// EmailChoices returns the kinds of notification the member chose about: true to have
	// them mailed besides the inbox, false for the inbox only. A kind not in it takes its
	// default (see MailedKinds).
	EmailChoices(ctx context.Context, memberID string) (map[string]bool, error)
	// SetEmailChoices replaces them.
	SetEmailChoices(ctx context.Context, memberID string, choices map[string]bool) error

	CreateWebhook(ctx context.Context, w Webhook) error
	Webhooks(ctx context.Context) ([]Webhook, error)
	Webhook(ctx context.Context, id string) (Webhook, error)
	DeleteWebhook(ctx context.Context, id string) error
	// WebhookResult counts a webhook attempt: success resets the failures, a failure adds
	// one, and at maxFailures the webhook is disabled and note (ID and MemberID left
	// empty) goes to every admin's inbox in the same transaction; disabled reports that
	// this call disabled it.
	WebhookResult(ctx context.Context, id string, ok bool, maxFailures int, note Notification) (disabled bool, err error)
	// EnableWebhook turns a disabled webhook on again with no failures counted.
	EnableWebhook(ctx context.Context, id string) error

	// DueReminders records a reminder for every driver and confirmed passenger of an open
	// ride departing in (now, now+lead] that has none yet, and writes each as a
	// ride.reminder event in the outbox in the same transaction. A (ride, member) pair
	// is reminded at most once, ever.
	DueReminders(ctx context.Context, now time.Time, lead time.Duration) (int, error)

	// CalendarMember returns the member of a calendar token hash; ENOTFOUND if revoked.
	CalendarMember(ctx context.Context, tokenHash string) (Member, error)
	// SetCalendarToken replaces the member's calendar token hash ("" revokes).
	SetCalendarToken(ctx context.Context, memberID, tokenHash string, now time.Time) error
	// HasCalendarToken reports whether the member has a live calendar token.
	HasCalendarToken(ctx context.Context, memberID string) (bool, error)
}

// EventRideReminder is written by DueReminders, once per person and ride.
const EventRideReminder = "ride.reminder"

// ReminderEvent returns the outbox event reminding member of ride r.
func ReminderEvent(r Ride, memberID string, now time.Time) Event {
	return rideEvent(EventRideReminder, r, memberID, now)
}

// CleanWebhookDescription checks the note an admin keeps beside a webhook with the text
// rule every other free-text field follows.
func CleanWebhookDescription(s string) (string, error) {
	return descriptionText.Clean("description", s)
}

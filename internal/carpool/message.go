package carpool

import (
	"context"
	"slices"
	"time"
)

// Message is one short note in a ride's thread, written by its driver or a passenger
// whose booking is pending or confirmed ("I'm at gate 2"), so that people matched on a
// ride can reach each other without handing out a phone number. A quick reply carries
// Quick and no Body, and every reader sees it in their own language. An erased author's
// messages stay in the thread, Removed and without a body, so the others' replies keep
// their place.
type Message struct {
	ID        string
	RideID    string
	AuthorID  string
	Body      string
	Quick     QuickReply
	Removed   bool
	CreatedAt time.Time
}

// QuickReply is a message for the common cases on the day, written with one tap.
type QuickReply string

const (
	QuickHere    QuickReply = "here"   // "I'm here"
	QuickLate5   QuickReply = "late_5" // "5 min late"
	QuickOnMyWay QuickReply = "on_way" // "On my way"
)

// QuickReplies are the quick replies in the order a thread offers them.
var QuickReplies = []QuickReply{QuickHere, QuickLate5, QuickOnMyWay}

// English says the quick reply in English, for the API and logs; pages say it in their
// language from the catalogue ("message.quick." + the reply).
func (q QuickReply) English() string {
	switch q {
	case QuickHere:
		return "I'm here"
	case QuickLate5:
		return "5 min late"
	case QuickOnMyWay:
		return "On my way"
	}
	return ""
}

// MaxMessage is the longest message body, in characters: a thread is for short notes
// on the day, not for conversations that belong elsewhere.
const MaxMessage = 500

var messageText = Text{Min: 1, Max: MaxMessage, Multiline: true}

// MessageNoticeGap is how long after telling a member about a thread nobody tells them
// again: one inbox entry (and mail) per thread and quarter hour, however many messages
// arrive, so a lively thread does not bury the inbox.
const MessageNoticeGap = 15 * time.Minute

// MessageInput is what a member asks to write: a body or a quick reply, not both.
type MessageInput struct {
	Body  string
	Quick string
}

// Thread is a ride with its active bookings: what deciding who may read and write its
// messages needs.
type Thread struct {
	Ride     Ride
	Bookings []Booking
}

// Matched reports whether m takes part in the ride: its driver, or a passenger whose
// booking is pending or confirmed. A waitlisted passenger has no seat yet and a
// cancelled or rejected one none any more; fleet managers and admins read no one's
// messages, as no one expects them to.
func (th Thread) Matched(m Member) bool {
	if m.ID == "" {
		return false
	}
	if th.Ride.DriverID == m.ID {
		return true
	}
	for _, b := range th.Bookings {
		if b.RideID == th.Ride.ID && b.PassengerID == m.ID && (b.Status == BookingPending || b.Status == BookingConfirmed) {
			return true
		}
	}
	return false
}

// CheckRead decides whether m may read the thread: not found for whoever may not see
// the ride (as everywhere), forbidden for whoever sees it but is not matched on it.
func (th Thread) CheckRead(m Member) error {
	if !th.Ride.VisibleTo(m) {
		return Errorf(ENOTFOUND, "ride not found")
	}
	if !th.Matched(m) {
		return Errorf(EFORBIDDEN, "only the driver and passengers with a pending or confirmed booking take part in a ride's messages")
	}
	return nil
}

// Write checks that author may write in on the ride and returns the message: the body
// cleaned by the one text rule, or a known quick reply. A cancelled ride's thread is
// closed; what it says stays readable for its driver.
func (th Thread) Write(author Member, in MessageInput, now time.Time) (Message, error) {
	if err := th.CheckRead(author); err != nil {
		return Message{}, err
	}
	if th.Ride.Status == RideCancelled {
		return Message{}, Errorf(ECONFLICT, "the ride was cancelled: its messages are closed")
	}
	m := Message{ID: NewID(), RideID: th.Ride.ID, AuthorID: author.ID, CreatedAt: Timestamp(now)}
	switch {
	case in.Quick != "" && in.Body != "":
		return Message{}, FieldErrorf(EINVALID, "quick", "write a message or choose a quick reply, not both")
	case in.Quick != "":
		q := QuickReply(in.Quick)
		if !slices.Contains(QuickReplies, q) {
			return Message{}, FieldErrorf(EINVALID, "quick", "quick must be here, late_5 or on_way")
		}
		m.Quick = q
	default:
		body, err := messageText.Clean("body", in.Body)
		if err != nil {
			return Message{}, err
		}
		m.Body = body
	}
	return m, nil
}

// Recipients are the people a new message from author concerns: everyone matched on
// the ride but the author, in id order.
func (th Thread) Recipients(authorID string) []string {
	var out []string
	if th.Ride.DriverID != authorID {
		out = append(out, th.Ride.DriverID)
	}
	for _, b := range th.Bookings {
		if b.PassengerID != authorID && (b.Status == BookingPending || b.Status == BookingConfirmed) && !slices.Contains(out, b.PassengerID) {
			out = append(out, b.PassengerID)
		}
	}
	slices.Sort(out)
	return out
}

// NoticesDue returns those of recipients to tell about a new message at now: those not
// told about the thread within MessageNoticeGap (last holds when each was last told).
func NoticesDue(recipients []string, last map[string]time.Time, now time.Time) []string {
	var out []string
	for _, id := range recipients {
		if t, ok := last[id]; ok && now.Sub(t) < MessageNoticeGap {
			continue
		}
		out = append(out, id)
	}
	return out
}

// MessageEvent returns the outbox event that tells recipient about message m.
func MessageEvent(m Message, recipient string, now time.Time) Event {
	return newEvent(EventRideMessage, m.ID, recipient, messagePayload{RideID: m.RideID, MemberID: m.AuthorID}, now)
}

// messagePayload is the body of a message event: the thread and its author, never the
// text, so an outbox row or a webhook holds no one's words.
type messagePayload struct {
	RideID   string `json:"ride_id"`
	MemberID string `json:"member_id"`
}

// MessageCount is what the fair-use limits of messages count: an author's messages in
// the past hour on every ride (and when the oldest of them was written), and a thread's.
type MessageCount struct {
	ByAuthor       int
	OldestByAuthor time.Time
	InThread       int
}

// CheckMessages decides whether an author with the count c at now may write one more
// message: the fair use that keeps one member from flooding the others' inboxes. Over
// the hourly limit the answer says when the oldest message of the hour leaves it.
func (l Limits) CheckMessages(c MessageCount, now time.Time) error {
	if l.MaxMessagesPerHour > 0 && c.ByAuthor >= l.MaxMessagesPerHour {
		e := Errorf(ETHROTTLED, "you wrote %d messages in the past hour, the most one member may: wait a little", c.ByAuthor)
		e.RetryAfter = max(c.OldestByAuthor.Add(time.Hour).Sub(now), time.Second)
		return e
	}
	if l.MaxThreadMessages > 0 && c.InThread >= l.MaxThreadMessages {
		return Errorf(ECONFLICT, "this ride's thread holds %d messages, the most it may", c.InThread)
	}
	return nil
}

// MessageStore reads ride threads; writing is the application layer's, in a Tx.
type MessageStore interface {
	// RideMessages returns a ride's messages, oldest first.
	RideMessages(ctx context.Context, rideID string, p Page) ([]Message, string, error)
	// MemberMessages returns every message a member wrote, oldest first (their export).
	MemberMessages(ctx context.Context, memberID string) ([]Message, error)
}

// MessageTx writes ride threads inside a transaction.
type MessageTx interface {
	InsertMessage(ctx context.Context, m Message) error
	// CountMessages returns how many messages author wrote since since, on every ride,
	// the oldest of them, and how many the ride's thread holds.
	CountMessages(ctx context.Context, authorID, rideID string, since time.Time) (MessageCount, error)
	// MessageNotices returns when each member was last told about the ride's thread.
	MessageNotices(ctx context.Context, rideID string) (map[string]time.Time, error)
	// SetMessageNotice records that member was told about the ride's thread at at.
	SetMessageNotice(ctx context.Context, rideID, memberID string, at time.Time) error
	// RemoveMessages empties every message of the erased member and marks it removed.
	RemoveMessages(ctx context.Context, memberID string) error
}

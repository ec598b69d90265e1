package carpool_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
)

func threadOf(status carpool.RideStatus, bookings map[string]carpool.BookingStatus) carpool.Thread {
	th := carpool.Thread{Ride: carpool.Ride{ID: "r1", DriverID: "driver", Status: status}}
	for who, st := range bookings {
		th.Bookings = append(th.Bookings, carpool.Booking{ID: "b-" + who, RideID: "r1", DriverID: "driver", PassengerID: who, Status: st})
	}
	return th
}

func TestThreadWhoTakesPart(t *testing.T) {
	th := threadOf(carpool.RideOpen, map[string]carpool.BookingStatus{
		"confirmed": carpool.BookingConfirmed, "pending": carpool.BookingPending, "waitlisted": carpool.BookingWaitlisted,
		"cancelled": carpool.BookingCancelled, "rejected": carpool.BookingRejected,
	})
	for _, c := range []struct {
		who  carpool.Member
		code string
	}{
		{carpool.Member{ID: "driver"}, ""},
		{carpool.Member{ID: "confirmed"}, ""},
		{carpool.Member{ID: "pending"}, ""},
		{carpool.Member{ID: "waitlisted"}, carpool.EFORBIDDEN},
		{carpool.Member{ID: "cancelled"}, carpool.EFORBIDDEN},
		{carpool.Member{ID: "rejected"}, carpool.EFORBIDDEN},
		{carpool.Member{ID: "stranger"}, carpool.EFORBIDDEN},
		{carpool.Member{ID: "fleet", Role: carpool.RoleFleetManager}, carpool.EFORBIDDEN},
		{carpool.Member{ID: "admin", Role: carpool.RoleAdmin}, carpool.EFORBIDDEN},
		{carpool.Member{}, carpool.ENOTFOUND}, // no one: the ride's own rule hides it
	} {
		t.Run(c.who.ID+string(c.who.Role), func(t *testing.T) {
			if got := carpool.ErrorCode(th.CheckRead(c.who)); got != c.code {
				t.Errorf("read: got %q, want %q", got, c.code)
			}
			_, err := th.Write(c.who, carpool.MessageInput{Body: "hi"}, time.Now())
			if got := carpool.ErrorCode(err); got != c.code {
				t.Errorf("write: got %q, want %q", got, c.code)
			}
		})
	}
	if got, want := th.Recipients("pending"), []string{"confirmed", "driver"}; !slices.Equal(got, want) {
		t.Errorf("recipients of pending's message: got %v, want %v", got, want)
	}
	if got, want := th.Recipients("driver"), []string{"confirmed", "pending"}; !slices.Equal(got, want) {
		t.Errorf("recipients of the driver's message: got %v, want %v", got, want)
	}
}

func TestThreadWrite(t *testing.T) {
	th := threadOf(carpool.RideOpen, map[string]carpool.BookingStatus{"p": carpool.BookingConfirmed})
	p := carpool.Member{ID: "p"}
	now := time.Date(2026, 12, 7, 7, 30, 0, 0, time.UTC)
	m, err := th.Write(p, carpool.MessageInput{Body: " Ich stehe an Tor 2\r\n "}, now)
	if err != nil || m.Body != "Ich stehe an Tor 2" || m.Quick != "" || m.RideID != "r1" || m.AuthorID != "p" || !m.CreatedAt.Equal(now) {
		t.Errorf("text: got %+v, %v", m, err)
	}
	q, err := th.Write(p, carpool.MessageInput{Quick: "here"}, now)
	if err != nil || q.Quick != carpool.QuickHere || q.Body != "" || q.Quick.English() != "I'm here" {
		t.Errorf("quick reply: got %+v, %v", q, err)
	}
	for _, c := range []struct {
		name  string
		in    carpool.MessageInput
		field string
	}{
		{"empty", carpool.MessageInput{}, "body"},
		{"blank", carpool.MessageInput{Body: "\u200b \n"}, "body"},
		{"too long", carpool.MessageInput{Body: strings.Repeat("x", carpool.MaxMessage+1)}, "body"},
		{"bidi override", carpool.MessageInput{Body: "Tor\u202e2"}, "body"},
		{"unknown quick reply", carpool.MessageInput{Quick: "call_me"}, "quick"},
		{"both", carpool.MessageInput{Body: "hi", Quick: "here"}, "quick"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := th.Write(p, c.in, now)
			if carpool.ErrorCode(err) != carpool.EINVALID || carpool.ErrorField(err) != c.field {
				t.Errorf("got %v, want invalid %s", err, c.field)
			}
		})
	}
	closed := threadOf(carpool.RideCancelled, nil)
	if _, err := closed.Write(carpool.Member{ID: "driver"}, carpool.MessageInput{Body: "hi"}, now); carpool.ErrorCode(err) != carpool.ECONFLICT {
		t.Errorf("cancelled ride: got %v, want conflict", err)
	}
	if err := closed.CheckRead(carpool.Member{ID: "driver"}); err != nil {
		t.Errorf("the driver reads a cancelled ride's thread: %v", err)
	}
}

func TestNoticesDue(t *testing.T) {
	now := time.Date(2026, 12, 7, 7, 30, 0, 0, time.UTC)
	last := map[string]time.Time{
		"just":   now.Add(-time.Minute),
		"edge":   now.Add(-carpool.MessageNoticeGap + time.Second),
		"gap":    now.Add(-carpool.MessageNoticeGap),
		"before": now.Add(-time.Hour),
	}
	got := carpool.NoticesDue([]string{"before", "edge", "gap", "just", "never"}, last, now)
	if want := []string{"before", "gap", "never"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestMessageLimits(t *testing.T) {
	now := time.Date(2026, 12, 7, 7, 30, 0, 0, time.UTC)
	l := carpool.Limits{MaxMessagesPerHour: 2, MaxThreadMessages: 5}
	if err := l.CheckMessages(carpool.MessageCount{ByAuthor: 1, InThread: 4}, now); err != nil {
		t.Errorf("under both limits: %v", err)
	}
	err := l.CheckMessages(carpool.MessageCount{ByAuthor: 2, OldestByAuthor: now.Add(-40 * time.Minute)}, now)
	if carpool.ErrorCode(err) != carpool.ETHROTTLED || carpool.RetryAfter(err) != 20*time.Minute {
		t.Errorf("hourly limit: got %v (retry after %s), want throttled for 20m", err, carpool.RetryAfter(err))
	}
	if err := l.CheckMessages(carpool.MessageCount{InThread: 5}, now); carpool.ErrorCode(err) != carpool.ECONFLICT {
		t.Errorf("thread limit: got %v, want conflict", err)
	}
	if err := (carpool.Limits{}).CheckMessages(carpool.MessageCount{ByAuthor: 1000, InThread: 1000}, now); err != nil {
		t.Errorf("no limits: %v", err)
	}
}

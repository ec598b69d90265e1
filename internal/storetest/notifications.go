package storetest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// inboxPlan tells each event's recipient in the inbox and by e-mail.
func inboxPlan(_ context.Context, ev carpool.Event) (carpool.Fanout, error) {
	return carpool.Fanout{
		Notifications: []carpool.Notification{{ID: carpool.NewID(), MemberID: ev.RecipientID, EventID: ev.ID,
			Kind: ev.Type, Title: ev.Type, Body: "body", Link: "/rides/x", CreatedAt: ev.CreatedAt}},
		Deliveries: []carpool.Delivery{{ID: carpool.NewID(), EventID: ev.ID, Channel: carpool.ChannelEmail,
			Recipient: ev.RecipientID, Payload: []byte(`{}`), EventCreatedAt: ev.CreatedAt}},
	}, nil
}

// drainFanOut fans out from several goroutines at once until nothing is left.
func (e *env) drainFanOut(workers int) {
	e.t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			idle := 0
			for idle < 3 {
				n, err := e.s.FanOutEvents(e.ctx, 3, inboxPlan)
				if err != nil {
					errs <- err
					return
				}
				if n == 0 {
					idle++
				} else {
					idle = 0
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		e.t.Fatalf("fan out: %v", err)
	}
	// Whoever held the cursor last is done; one more pass must find nothing.
	if n, err := e.s.FanOutEvents(e.ctx, 100, inboxPlan); err != nil || n != 0 {
		e.t.Fatalf("fan out after draining: got %d, %v; want 0, nil", n, err)
	}
}

func (e *env) inbox(m carpool.Member) []carpool.Notification {
	e.t.Helper()
	var all []carpool.Notification
	p := carpool.Page{Limit: 2}
	for {
		items, next, err := e.s.Notifications(e.ctx, m.ID, p)
		noErr(e.t, err, "notifications")
		all = append(all, items...)
		if next == "" {
			return all
		}
		p.Cursor = next
	}
}

func testNotifications(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	driver := e.member(carpool.RoleMember)
	p1, p2 := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
	ride := e.ride(driver, 3, carpool.BookingApproval)
	b1 := e.book(ride, p1, 1, false)
	b2 := e.book(ride, p2, 1, false)
	_, err := e.f.ConfirmBooking(e.ctx, b1.ID, driver)
	noErr(t, err, "confirm")
	_, err = e.f.RejectBooking(e.ctx, b2.ID, driver)
	noErr(t, err, "reject")
	events := e.eventsAfter(0)

	t.Run("each event fans out once, in order, with concurrent relays", func(t *testing.T) {
		e.drainFanOut(4)
		want := map[string][]string{}
		for _, ev := range events {
			want[ev.RecipientID] = append([]string{ev.ID}, want[ev.RecipientID]...) // newest first
		}
		for _, m := range []carpool.Member{driver, p1, p2} {
			var got []string
			for _, n := range e.inbox(m) {
				got = append(got, n.EventID)
			}
			if len(got) != len(want[m.ID]) {
				t.Fatalf("inbox of %s: got events %v, want %v", m.Name, got, want[m.ID])
			}
			for i := range got {
				if got[i] != want[m.ID][i] {
					t.Fatalf("inbox of %s: got events %v, want %v (newest first)", m.Name, got, want[m.ID])
				}
			}
		}
	})

	// Planning reads members and rides; it must not hold the cursor while it does, or
	// one slow plan stalls every replica's relay.
	t.Run("a slow plan holds no lock, and a plan overtaken is dropped", func(t *testing.T) {
		e := newEnv(t, open)
		driver, p := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
		e.book(e.ride(driver, 2, carpool.BookingApproval), p, 1, false)
		// Before any relay ran, the backlog (carpool_outbox_backlog) is every event written.
		bc, ok := e.s.(interface {
			OutboxBacklog(context.Context) (int64, error)
		})
		if !ok {
			t.Fatalf("%T cannot count its outbox backlog (carpool_outbox_backlog)", e.s)
		}
		if n, err := bc.OutboxBacklog(e.ctx); err != nil || n != int64(len(e.eventsAfter(0))) || n == 0 {
			t.Fatalf("backlog before the relay: got %d, %v; want the %d events written", n, err, len(e.eventsAfter(0)))
		}
		planning, release := make(chan struct{}), make(chan struct{})
		slow := make(chan int, 1)
		go func() {
			var once sync.Once
			n, err := e.s.FanOutEvents(e.ctx, 100, func(ctx context.Context, ev carpool.Event) (carpool.Fanout, error) {
				once.Do(func() { close(planning) })
				<-release
				return inboxPlan(ctx, ev)
			})
			if err != nil {
				n = -1
			}
			slow <- n
		}()
		<-planning
		ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second)
		defer cancel()
		n, err := e.s.FanOutEvents(ctx, 100, inboxPlan)
		close(release)
		noErr(t, err, "fan out beside a slow plan")
		if n == 0 {
			t.Fatal("fan out beside a slow plan stored nothing: the slow plan held the cursor")
		}
		if got := <-slow; got != 0 {
			t.Fatalf("the overtaken plan: got %d events stored, want 0 (dropped)", got)
		}
		want := 0
		for _, ev := range e.eventsAfter(0) {
			if ev.RecipientID == driver.ID {
				want++
			}
		}
		if got := len(e.inbox(driver)); got != want || want == 0 {
			t.Fatalf("driver's inbox: got %d entries, want each of the %d events for them once", got, want)
		}
	})

	t.Run("read marks", func(t *testing.T) {
		before, err := e.s.UnreadNotifications(e.ctx, driver.ID)
		noErr(t, err, "unread")
		if before == 0 {
			t.Fatal("driver has no unread notifications")
		}
		first := e.inbox(driver)[0]
		noErr(t, e.s.MarkNotificationRead(e.ctx, driver.ID, first.ID, e.now), "mark read")
		after, _ := e.s.UnreadNotifications(e.ctx, driver.ID)
		if after != before-1 {
			t.Fatalf("unread after marking one: got %d, want %d", after, before-1)
		}
		wantCode(t, e.s.MarkNotificationRead(e.ctx, p1.ID, first.ID, e.now), carpool.ENOTFOUND, "")
		noErr(t, e.s.MarkAllNotificationsRead(e.ctx, driver.ID, e.now), "mark all")
		if n, _ := e.s.UnreadNotifications(e.ctx, driver.ID); n != 0 {
			t.Fatalf("unread after marking all: got %d, want 0", n)
		}
		if !e.inbox(driver)[0].Read() {
			t.Fatal("a notification marked read reads back unread")
		}
	})

	t.Run("deliveries are claimed once, retried, die and come back", func(t *testing.T) {
		var mu sync.Mutex
		claimed := map[string]int{}
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					ds, err := e.s.ClaimDeliveries(e.ctx, time.Now(), time.Hour, 2)
					if err != nil {
						t.Errorf("claim: %v", err)
						return
					}
					if len(ds) == 0 {
						return
					}
					mu.Lock()
					for _, d := range ds {
						claimed[d.ID]++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(claimed) != len(events) {
			t.Fatalf("claimed %d deliveries, want %d (one per event)", len(claimed), len(events))
		}
		for id, n := range claimed {
			if n != 1 {
				t.Fatalf("delivery %s claimed %d times during its lease", id, n)
			}
		}
		// Past the lease every delivery is claimable again, now at its second attempt.
		later := time.Now().Add(2 * time.Hour)
		ds, err := e.s.ClaimDeliveries(e.ctx, later, time.Minute, 100)
		noErr(t, err, "claim after lease")
		if len(ds) != len(events) || ds[0].Attempts != 2 {
			t.Fatalf("after the lease: got %d deliveries (attempts %d), want %d at attempt 2", len(ds), ds[0].Attempts, len(events))
		}
		sent, retry, dead := ds[0], ds[1], ds[2]
		noErr(t, e.s.FinishDelivery(e.ctx, sent, nil, time.Time{}), "finish sent")
		noErr(t, e.s.FinishDelivery(e.ctx, retry, errors.New("421 try later"), later.Add(time.Hour)), "finish retry")
		noErr(t, e.s.FinishDelivery(e.ctx, dead, errors.New("550 no such user"), time.Time{}), "finish dead")
		for _, d := range ds[3:] {
			noErr(t, e.s.FinishDelivery(e.ctx, d, nil, time.Time{}), "finish")
		}
		if ds, _ := e.s.ClaimDeliveries(e.ctx, later.Add(30*time.Minute), time.Minute, 100); len(ds) != 0 {
			t.Fatalf("claimed %d deliveries before the retry time, want 0", len(ds))
		}
		ds2, _ := e.s.ClaimDeliveries(e.ctx, later.Add(2*time.Hour), time.Minute, 100)
		if len(ds2) != 1 || ds2[0].ID != retry.ID || ds2[0].Attempts != 3 {
			t.Fatalf("at the retry time: got %+v, want only %s at attempt 3", ds2, retry.ID)
		}
		noErr(t, e.s.FinishDelivery(e.ctx, ds2[0], nil, time.Time{}), "finish retried")

		deadList, _, err := e.s.DeadDeliveries(e.ctx, carpool.Page{})
		noErr(t, err, "dead deliveries")
		if len(deadList) != 1 || deadList[0].ID != dead.ID || deadList[0].LastError != "550 no such user" {
			t.Fatalf("dead deliveries: got %+v, want %s with its error", deadList, dead.ID)
		}
		// The dead-deliveries gauge counts it under its channel until an admin retries it.
		dc, ok := e.s.(interface {
			DeadDeliveriesByChannel(context.Context) (map[string]int64, error)
		})
		if !ok {
			t.Fatalf("%T cannot count dead deliveries by channel (carpool_notify_dead_deliveries)", e.s)
		}
		counts, err := dc.DeadDeliveriesByChannel(e.ctx)
		noErr(t, err, "count dead deliveries")
		if len(counts) != 1 || counts[dead.Channel] != 1 {
			t.Fatalf("dead deliveries by channel: got %v, want %s: 1", counts, dead.Channel)
		}
		noErr(t, e.s.RetryDelivery(e.ctx, dead.ID), "retry dead")
		wantCode(t, e.s.RetryDelivery(e.ctx, dead.ID), carpool.ENOTFOUND, "")
		if counts, err := dc.DeadDeliveriesByChannel(e.ctx); err != nil || len(counts) != 0 {
			t.Fatalf("dead deliveries by channel after the retry: got %v, %v; want none", counts, err)
		}
		ds3, _ := e.s.ClaimDeliveries(e.ctx, time.Now().Add(3*time.Hour), time.Minute, 100)
		if len(ds3) != 1 || ds3[0].ID != dead.ID || ds3[0].Attempts != 1 {
			t.Fatalf("after a manual retry: got %+v, want %s at attempt 1", ds3, dead.ID)
		}
		noErr(t, e.s.FinishDelivery(e.ctx, ds3[0], nil, time.Time{}), "finish")
		if bc, ok := e.s.(interface {
			OutboxBacklog(context.Context) (int64, error)
		}); ok {
			if n, err := bc.OutboxBacklog(e.ctx); err != nil || n != 0 {
				t.Fatalf("backlog after delivering everything: got %d, %v; want 0", n, err)
			}
		}
		if _, err := e.s.PurgeDeliveries(e.ctx, time.Now().Add(24*time.Hour)); err != nil {
			t.Fatalf("purge: %v", err)
		}
		if evs := e.eventsAfter(0); len(evs) != 0 {
			t.Fatalf("events after purging everything delivered: got %d, want 0", len(evs))
		}
	})

	t.Run("reminders once per person and ride", func(t *testing.T) {
		var total int
		var mu sync.Mutex
		var wg sync.WaitGroup
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := e.s.DueReminders(e.ctx, e.now, 25*time.Hour)
				if err != nil {
					t.Errorf("due reminders: %v", err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		if total != 2 { // the driver and the one confirmed passenger
			t.Fatalf("reminders written: got %d, want 2", total)
		}
		if n, _ := e.s.DueReminders(e.ctx, e.now, 25*time.Hour); n != 0 {
			t.Fatalf("reminders on a second run: got %d, want 0", n)
		}
		var got []string
		for _, ev := range e.eventsAfter(0) {
			if ev.Type == carpool.EventRideReminder {
				got = append(got, ev.RecipientID)
			}
		}
		if len(got) != 2 {
			t.Fatalf("reminder events: got %v, want the driver and %s", got, p1.ID)
		}
	})

	t.Run("preferences, webhooks and calendar tokens", func(t *testing.T) {
		if choices, err := e.s.EmailChoices(e.ctx, p1.ID); err != nil || len(choices) != 0 {
			t.Fatalf("e-mail choices of a member who made none: got %v, %v", choices, err)
		}
		set := map[string]bool{carpool.EventBookingConfirmed: true, carpool.EventRideReminder: true, carpool.EventRideUpdated: false}
		noErr(t, e.s.SetEmailChoices(e.ctx, p1.ID, set), "set choices")
		choices, err := e.s.EmailChoices(e.ctx, p1.ID)
		noErr(t, err, "choices")
		if !equalChoices(choices, set) {
			t.Fatalf("e-mail choices: got %v, want %v (a no kept as a no)", choices, set)
		}
		noErr(t, e.s.SetEmailChoices(e.ctx, p1.ID, map[string]bool{carpool.EventRideUpdated: true}), "replace choices")
		if choices, _ := e.s.EmailChoices(e.ctx, p1.ID); !equalChoices(choices, map[string]bool{carpool.EventRideUpdated: true}) {
			t.Fatalf("e-mail choices replaced: got %v", choices)
		}

		admin := e.member(carpool.RoleAdmin)
		w := carpool.Webhook{ID: carpool.NewID(), URL: "https://hooks.example.com/x", Secret: "whsec_abc",
			Events: []string{carpool.EventBookingConfirmed}, CreatedAt: e.now}
		noErr(t, e.s.CreateWebhook(e.ctx, w), "create webhook")
		note := carpool.Notification{EventID: "hook-off-" + w.ID, Kind: "webhook.disabled", Title: "off", Body: "off"}
		for i := 1; i <= 3; i++ {
			disabled, err := e.s.WebhookResult(e.ctx, w.ID, false, 3, note)
			noErr(t, err, "webhook result")
			if disabled != (i == 3) {
				t.Fatalf("failure %d: disabled %v", i, disabled)
			}
		}
		got, err := e.s.Webhook(e.ctx, w.ID)
		noErr(t, err, "webhook")
		if got.Enabled || got.Failures != 3 || !got.Wants(carpool.EventBookingConfirmed) || got.Wants(carpool.EventRideCreated) {
			t.Fatalf("webhook after 3 failures: got %+v", got)
		}
		if in := e.inbox(admin); len(in) != 1 || in[0].Kind != "webhook.disabled" {
			t.Fatalf("admin inbox after a webhook was disabled: got %+v", in)
		}
		noErr(t, e.s.EnableWebhook(e.ctx, w.ID), "enable")
		if got, _ := e.s.Webhook(e.ctx, w.ID); !got.Enabled || got.Failures != 0 {
			t.Fatalf("webhook enabled again: got %+v", got)
		}
		noErr(t, e.s.DeleteWebhook(e.ctx, w.ID), "delete")
		_, err = e.s.Webhook(e.ctx, w.ID)
		wantCode(t, err, carpool.ENOTFOUND, "")

		noErr(t, e.s.SetCalendarToken(e.ctx, p1.ID, "hash-1", e.now), "set token")
		m, err := e.s.CalendarMember(e.ctx, "hash-1")
		if err != nil || m.ID != p1.ID {
			t.Fatalf("calendar member: got %v, %v", m.ID, err)
		}
		noErr(t, e.s.SetCalendarToken(e.ctx, p1.ID, "", e.now), "revoke")
		_, err = e.s.CalendarMember(e.ctx, "hash-1")
		wantCode(t, err, carpool.ENOTFOUND, "")
	})

	t.Run("erasure forgets notification data", func(t *testing.T) {
		admin := e.member(carpool.RoleAdmin)
		gone, other := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
		name := "Gone Person " + unique()
		gone, err := NewFlows(e.s).ChangeMember(e.ctx, gone.ID, func(m *carpool.Member) error { m.Name = name; return nil })
		noErr(t, err, "profile")
		e.book(e.ride(other, 2, carpool.BookingInstant), gone, 1, false)
		// Texts name people: the other's inbox and mail name the erased member, and the
		// erased member's own inbox and mail hold their address.
		_, err = e.s.FanOutEvents(e.ctx, 100, func(_ context.Context, ev carpool.Event) (carpool.Fanout, error) {
			return carpool.Fanout{
				Notifications: []carpool.Notification{
					{ID: carpool.NewID(), MemberID: other.ID, EventID: ev.ID, Kind: ev.Type, Title: "t", Body: name + " booked", CreatedAt: e.now},
					{ID: carpool.NewID(), MemberID: gone.ID, EventID: ev.ID, Kind: ev.Type, Title: "t", Body: "to " + gone.Email, CreatedAt: e.now},
				},
				Deliveries: []carpool.Delivery{
					{ID: carpool.NewID(), EventID: ev.ID, Channel: carpool.ChannelEmail, Recipient: other.ID,
						Payload: []byte(`{"body":"` + name + ` booked"}`), EventCreatedAt: ev.CreatedAt},
					{ID: carpool.NewID(), EventID: ev.ID, Channel: carpool.ChannelEmail, Recipient: gone.ID,
						Payload: []byte(`{"to":"` + gone.Email + `"}`), EventCreatedAt: ev.CreatedAt},
				},
			}, nil
		})
		noErr(t, err, "fan out")
		noErr(t, e.s.SetEmailChoices(e.ctx, gone.ID, map[string]bool{carpool.EventBookingConfirmed: true}), "choices")
		noErr(t, e.s.SetCalendarToken(e.ctx, gone.ID, "hash-gone-"+unique(), e.now), "calendar")

		noErr(t, e.f.EraseMember(e.ctx, gone.ID, admin), "erase")
		for _, value := range []string{gone.Email, name} {
			if hits := ScanTables(t, e.raw(), value); len(hits) > 0 {
				t.Errorf("after erasure %q is still in %v", value, hits)
			}
		}
		if kinds, _ := e.s.EmailChoices(e.ctx, gone.ID); len(kinds) != 0 {
			t.Errorf("e-mail choices after erasure: %v", kinds)
		}
		if has, _ := e.s.HasCalendarToken(e.ctx, gone.ID); has {
			t.Errorf("calendar token survived erasure")
		}
		if in := e.inbox(other); len(in) == 0 || !strings.Contains(in[0].Body, carpool.ErasedName) {
			t.Errorf("the other's inbox after erasure: got %+v, want the text with %q", in, carpool.ErasedName)
		}
	})
}

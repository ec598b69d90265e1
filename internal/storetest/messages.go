package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// testMessages covers ride threads through the application layer: who is told (once per
// thread and quarter hour), the fair-use limits under concurrent writers, retention,
// erasure leaving "(removed)" and none of the words, and the schema refusing what the
// domain never writes.
func testMessages(t *testing.T, open func(t *testing.T) carpool.Store) {
	t.Run("recipients told once per quarter hour", func(t *testing.T) {
		e := newEnv(t, open)
		a := app.New(e.s, app.Options{Limits: &carpool.Limits{}})
		driver, p1, p2 := e.member(carpool.RoleMember), e.member(carpool.RoleMember), e.member(carpool.RoleMember)
		ride := e.ride(driver, 3, carpool.BookingInstant)
		e.book(ride, p1, 1, false)
		e.book(ride, p2, 1, false)
		seq := e.lastSeq()
		post := func(who carpool.Member, body string) carpool.Message {
			t.Helper()
			m, err := a.PostMessage(e.ctx, who, ride.ID, carpool.MessageInput{Body: body})
			noErr(t, err, "post "+body)
			return m
		}
		first := post(p1, "Ich stehe an Tor 2")
		post(p1, "noch da")
		post(driver, "komme")
		told := map[string]int{}
		for _, ev := range e.eventsAfter(seq) {
			if ev.Type != carpool.EventRideMessage {
				continue
			}
			told[ev.RecipientID]++
			p, err := ev.Decode()
			noErr(t, err, "decode")
			if p.RideID != ride.ID || p.MemberID == "" {
				t.Errorf("payload: got %+v", p)
			}
			if ev.RecipientID == driver.ID && ev.SubjectID != first.ID {
				t.Errorf("the driver's notice is about %s, want the first message %s", ev.SubjectID, first.ID)
			}
		}
		if want := map[string]int{driver.ID: 1, p2.ID: 1, p1.ID: 1}; fmt.Sprint(told) != fmt.Sprint(want) {
			t.Errorf("notices: got %v, want %v (the driver and p2 by p1's first, p1 by the driver's)", told, want)
		}
		// A quarter hour later (the notices made older in place), the next message tells again.
		noErr(t, e.s.InTx(e.ctx, func(tx carpool.Tx) error {
			return tx.SetMessageNotice(e.ctx, ride.ID, driver.ID, tx.Now().Add(-carpool.MessageNoticeGap-time.Second))
		}), "age the driver's notice")
		seq = e.lastSeq()
		post(p2, "bin auch da")
		var again []string
		for _, ev := range e.eventsAfter(seq) {
			again = append(again, ev.RecipientID)
		}
		if len(again) != 1 || again[0] != driver.ID {
			t.Errorf("after the gap: got notices for %v, want only the driver %s", again, driver.ID)
		}
	})

	t.Run("hourly limit holds for concurrent writers", func(t *testing.T) {
		e := newEnv(t, open)
		const limit = 3
		a := app.New(e.s, app.Options{Limits: &carpool.Limits{MaxMessagesPerHour: limit}})
		writer := e.member(carpool.RoleMember)
		var rides []carpool.Ride
		for range 2 {
			r := e.ride(e.member(carpool.RoleMember), 2, carpool.BookingInstant)
			e.book(r, writer, 1, false)
			rides = append(rides, r)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 10)
		for i := range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := a.PostMessage(context.Background(), writer, rides[i%2].ID, carpool.MessageInput{Quick: string(carpool.QuickHere)})
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		ok := 0
		for err := range errs {
			switch carpool.ErrorCode(err) {
			case "":
				ok++
			case carpool.ETHROTTLED:
			default:
				t.Errorf("post: %v", err)
			}
		}
		if ok != limit {
			t.Errorf("messages accepted: got %d, want %d", ok, limit)
		}
	})

	t.Run("retention deletes old messages", func(t *testing.T) {
		e := newEnv(t, open)
		driver := e.member(carpool.RoleMember)
		ride := e.ride(driver, 2, carpool.BookingInstant)
		old := carpool.Message{ID: carpool.NewID(), RideID: ride.ID, AuthorID: driver.ID, Body: "long ago", CreatedAt: e.at(-400 * 24 * time.Hour)}
		recent := carpool.Message{ID: carpool.NewID(), RideID: ride.ID, AuthorID: driver.ID, Body: "today", CreatedAt: e.now}
		noErr(t, e.s.InTx(e.ctx, func(tx carpool.Tx) error {
			if err := tx.InsertMessage(e.ctx, old); err != nil {
				return err
			}
			return tx.InsertMessage(e.ctx, recent)
		}), "insert")
		purged, err := e.f.PurgeBefore(e.ctx, e.at(-365*24*time.Hour))
		noErr(t, err, "purge")
		if purged.Messages != 1 {
			t.Errorf("purged messages: got %d, want 1", purged.Messages)
		}
		left, _, err := e.s.RideMessages(e.ctx, ride.ID, carpool.Page{})
		noErr(t, err, "messages")
		if len(left) != 1 || left[0].ID != recent.ID {
			t.Errorf("left: got %+v, want the recent one", left)
		}
	})

	t.Run("erasure removes the words and keeps the place", func(t *testing.T) {
		e := newEnv(t, open)
		a := app.New(e.s, app.Options{Limits: &carpool.Limits{}})
		admin, driver, gone := e.member(carpool.RoleAdmin), e.member(carpool.RoleMember), e.member(carpool.RoleMember)
		ride := e.ride(driver, 2, carpool.BookingInstant)
		e.book(ride, gone, 1, false)
		words := "Ich stehe an Tor " + unique()
		_, err := a.PostMessage(e.ctx, gone, ride.ID, carpool.MessageInput{Body: words})
		noErr(t, err, "post")
		_, err = a.PostMessage(e.ctx, driver, ride.ID, carpool.MessageInput{Body: "komme gleich"})
		noErr(t, err, "reply")
		mine, err := e.s.MemberMessages(e.ctx, gone.ID)
		noErr(t, err, "member messages")
		if len(mine) != 1 || mine[0].Body != words {
			t.Errorf("the member's messages: got %+v", mine)
		}

		noErr(t, e.f.EraseMember(e.ctx, gone.ID, admin), "erase")
		if hits := ScanTables(t, e.raw(), words); len(hits) > 0 {
			t.Errorf("after erasure the message is still in %v", hits)
		}
		thread, _, err := a.Messages(e.ctx, driver, ride.ID, carpool.Page{})
		noErr(t, err, "thread")
		if len(thread) != 2 || !thread[0].Message.Removed || thread[0].Message.Body != "" || thread[1].Message.Body != "komme gleich" {
			t.Errorf("thread after erasure: got %+v", thread)
		}
	})

	t.Run("schema refuses what the domain never writes", func(t *testing.T) {
		e := newEnv(t, open)
		db := e.raw()
		driver := e.member(carpool.RoleMember)
		ride := e.ride(driver, 2, carpool.BookingInstant)
		for _, c := range []struct {
			name        string
			body, quick string
			removed     int
		}{
			{"text and quick reply", "hi", "here", 0},
			{"neither", "", "", 0},
			{"unknown quick reply", "", "call_me", 0},
			{"removed with its words", "hi", "", 1},
			{"too long", fmt.Sprintf("%0*d", carpool.MaxMessage+1, 0), "", 0},
		} {
			_, err := db.ExecContext(e.ctx, `INSERT INTO ride_messages (id, ride_id, author_id, body, quick, removed, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, carpool.NewID(), ride.ID, driver.ID, c.body, c.quick, c.removed, e.now)
			if err == nil {
				t.Errorf("%s: the schema took it", c.name)
			}
		}
	})
}

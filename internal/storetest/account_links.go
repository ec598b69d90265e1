package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"carpool/internal/carpool"
)

func testAccountLinks(t *testing.T, open func(t *testing.T) carpool.Store) {
	e := newEnv(t, open)
	link := func(t *testing.T, m carpool.Member, purpose carpool.LinkPurpose, email string, at time.Time) (carpool.AccountLink, string) {
		t.Helper()
		l, secret, err := carpool.NewAccountLink(purpose, m.ID, email, at)
		noErr(t, err, "new link")
		noErr(t, e.s.CreateAccountLink(e.ctx, l), "create link")
		return l, secret
	}

	t.Run("a link is found by its hash until it expires", func(t *testing.T) {
		m := e.member(carpool.RoleMember)
		l, secret := link(t, m, carpool.LinkPasswordReset, "", e.now)
		if l.Hash == secret || l.Hash != carpool.HashToken(secret) {
			t.Fatalf("stored hash %q: want the digest of the secret, never the secret", l.Hash)
		}
		got, err := e.s.AccountLink(e.ctx, carpool.LinkPasswordReset, l.Hash, e.now)
		noErr(t, err, "link")
		if got.ID != l.ID || got.MemberID != m.ID || !got.ExpiresAt.Equal(l.ExpiresAt) {
			t.Fatalf("got %+v, want %+v", got, l)
		}
		_, err = e.s.AccountLink(e.ctx, carpool.LinkPasswordReset, l.Hash, l.ExpiresAt)
		wantCode(t, err, carpool.EINVALID, "token")
		_, err = e.s.AccountLink(e.ctx, carpool.LinkEmailChange, l.Hash, e.now)
		wantCode(t, err, carpool.EINVALID, "token")
		_, err = e.s.AccountLink(e.ctx, carpool.LinkPasswordReset, carpool.HashToken("cpl_unknown"), e.now)
		wantCode(t, err, carpool.EINVALID, "token")
	})

	t.Run("a newer link replaces the older", func(t *testing.T) {
		m := e.member(carpool.RoleMember)
		old, _ := link(t, m, carpool.LinkPasswordReset, "", e.now)
		change, _ := link(t, m, carpool.LinkEmailChange, "new"+unique()+"@example.com", e.now)
		newer, _ := link(t, m, carpool.LinkPasswordReset, "", e.now.Add(time.Minute))
		_, err := e.s.AccountLink(e.ctx, carpool.LinkPasswordReset, old.Hash, e.now)
		wantCode(t, err, carpool.EINVALID, "token")
		_, err = e.s.AccountLink(e.ctx, carpool.LinkPasswordReset, newer.Hash, e.now)
		noErr(t, err, "newer link")
		_, err = e.s.AccountLink(e.ctx, carpool.LinkEmailChange, change.Hash, e.now)
		noErr(t, err, "the link of another purpose stays")
	})

	t.Run("reset by link sets the password, signs out everywhere, works once", func(t *testing.T) {
		m := e.member(carpool.RoleMember)
		var hashes []string
		for range 2 {
			tok, _, err := carpool.NewToken(m.ID, e.now)
			noErr(t, err, "token")
			noErr(t, e.s.CreateToken(e.ctx, tok), "create token")
			hashes = append(hashes, tok.Hash)
		}
		l, _ := link(t, m, carpool.LinkPasswordReset, "", e.now)
		got, err := e.s.ResetPasswordByLink(e.ctx, l.Hash, "new-hash", e.now)
		noErr(t, err, "reset")
		if got.ID != m.ID || got.PasswordHash != "new-hash" {
			t.Fatalf("got %+v, want member %s with the new hash", got, m.ID)
		}
		if stored, _ := e.s.Member(e.ctx, m.ID); stored.PasswordHash != "new-hash" {
			t.Fatalf("stored hash: got %q, want new-hash", stored.PasswordHash)
		}
		for _, h := range hashes {
			if _, _, err := e.s.MemberByToken(e.ctx, h, e.now); carpool.ErrorCode(err) != carpool.EUNAUTHORIZED {
				t.Fatalf("a session after the reset: got %v, want EUNAUTHORIZED", err)
			}
		}
		_, err = e.s.ResetPasswordByLink(e.ctx, l.Hash, "third-hash", e.now)
		wantCode(t, err, carpool.EINVALID, "token")
	})

	t.Run("an expired link or a deactivated member's link does nothing", func(t *testing.T) {
		m := e.member(carpool.RoleMember)
		l, _ := link(t, m, carpool.LinkPasswordReset, "", e.now)
		_, err := e.s.ResetPasswordByLink(e.ctx, l.Hash, "new-hash", l.ExpiresAt.Add(time.Second))
		wantCode(t, err, carpool.EINVALID, "token")
		admin := e.member(carpool.RoleAdmin)
		_, err = e.f.DeactivateMember(e.ctx, m.ID, admin)
		noErr(t, err, "deactivate")
		_, err = e.s.ResetPasswordByLink(e.ctx, l.Hash, "new-hash", e.now)
		wantCode(t, err, carpool.EINVALID, "token")
		if stored, _ := e.s.Member(e.ctx, m.ID); stored.PasswordHash == "new-hash" {
			t.Fatal("the password changed through a refused link")
		}
	})

	t.Run("one of two concurrent uses of a link succeeds", func(t *testing.T) {
		m := e.member(carpool.RoleMember)
		l, _ := link(t, m, carpool.LinkPasswordReset, "", e.now)
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[string]int{}
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := e.s.ResetPasswordByLink(e.ctx, l.Hash, "h-"+unique(), e.now)
				mu.Lock()
				codes[carpool.ErrorCode(err)]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if codes[""] != 1 || codes[carpool.EINVALID] != 3 {
			t.Fatalf("got outcomes %v, want 1 success and 3 invalid", codes)
		}
	})

	t.Run("an address change waits for its confirmation", func(t *testing.T) {
		m := e.member(carpool.RoleMember)
		next := "next" + unique() + "@example.com"
		l, _ := link(t, m, carpool.LinkEmailChange, next, e.now)
		pending, err := e.s.PendingAccountLink(e.ctx, m.ID, carpool.LinkEmailChange, e.now)
		noErr(t, err, "pending")
		if pending.Email != next {
			t.Fatalf("pending address: got %q, want %q", pending.Email, next)
		}
		if stored, _ := e.s.Member(e.ctx, m.ID); stored.Email != m.Email {
			t.Fatalf("address before confirmation: got %q, want %q", stored.Email, m.Email)
		}
		got, previous, err := e.s.ConfirmEmailByLink(e.ctx, l.Hash, e.now)
		noErr(t, err, "confirm")
		if got.Email != next || previous != m.Email {
			t.Fatalf("got %q (previous %q), want %q (previous %q)", got.Email, previous, next, m.Email)
		}
		if byMail, err := e.s.MemberByEmail(e.ctx, next); err != nil || byMail.ID != m.ID {
			t.Fatalf("member by the new address: got %+v, %v", byMail, err)
		}
		_, err = e.s.PendingAccountLink(e.ctx, m.ID, carpool.LinkEmailChange, e.now)
		wantCode(t, err, carpool.ENOTFOUND, "")
		_, _, err = e.s.ConfirmEmailByLink(e.ctx, l.Hash, e.now)
		wantCode(t, err, carpool.EINVALID, "token")
	})

	t.Run("an address taken before the confirmation is refused", func(t *testing.T) {
		m := e.member(carpool.RoleMember)
		next := "taken" + unique() + "@example.com"
		l, _ := link(t, m, carpool.LinkEmailChange, next, e.now)
		other := carpool.Member{ID: carpool.NewID(), Email: next, Name: "Quicker", Role: carpool.RoleMember,
			PasswordHash: "x", CreatedAt: e.now, UpdatedAt: e.now}
		noErr(t, e.s.CreateMember(e.ctx, other), "the other takes the address")
		_, _, err := e.s.ConfirmEmailByLink(e.ctx, l.Hash, e.now)
		wantCode(t, err, carpool.ECONFLICT, "email")
		if stored, _ := e.s.Member(e.ctx, m.ID); stored.Email != m.Email {
			t.Fatalf("address after a refused confirmation: got %q, want %q", stored.Email, m.Email)
		}
	})
}

func testRetention(t *testing.T, open func(t *testing.T) carpool.Store) {
	year := 365 * 24 * time.Hour
	purgeLines := func(t *testing.T, e *env) []carpool.AuditEntry {
		t.Helper()
		lines, _, err := e.s.AuditLog(e.ctx, carpool.AuditFilter{Action: carpool.AuditRetentionPurged}, carpool.Page{Limit: 100})
		noErr(t, err, "audit log")
		return lines
	}

	t.Run("deletes only what is older, and says so in the audit log", func(t *testing.T) {
		e := newEnv(t, open)
		driver, passenger := e.member(carpool.RoleMember), e.member(carpool.RoleMember)
		old := e.now.Add(-400 * 24 * time.Hour)
		// Events of a booking, fanned out to the inbox as if more than a year ago.
		e.book(e.ride(driver, 2, carpool.BookingInstant), passenger, 1, false)
		n, err := e.s.FanOutEvents(e.ctx, 100, func(_ context.Context, ev carpool.Event) (carpool.Fanout, error) {
			return carpool.Fanout{Notifications: []carpool.Notification{{ID: carpool.NewID(), MemberID: ev.RecipientID,
				EventID: ev.ID, Kind: ev.Type, Title: ev.Type, Body: "old", CreatedAt: old}}}, nil
		})
		noErr(t, err, "fan out old")
		if n == 0 {
			t.Fatal("no events to fan out")
		}
		oldInbox := len(e.inbox(passenger)) + len(e.inbox(driver))
		// Newer ones, with e-mails that are delivered.
		e.book(e.ride(driver, 2, carpool.BookingInstant), passenger, 1, false)
		_, err = e.s.FanOutEvents(e.ctx, 100, inboxPlan)
		noErr(t, err, "fan out new")
		ds, err := e.s.ClaimDeliveries(e.ctx, time.Now().Add(time.Hour), time.Minute, 100)
		noErr(t, err, "claim")
		for _, d := range ds {
			noErr(t, e.s.FinishDelivery(e.ctx, d, nil, time.Time{}), "deliver")
		}
		noErr(t, e.s.AppendAudit(e.ctx, carpool.NewAuditEntry(driver, carpool.AuditSiteCreated, "site", "s-old", "", old)), "old audit")
		recent := carpool.NewAuditEntry(driver, carpool.AuditSiteCreated, "site", "s-new", "", e.now)
		noErr(t, e.s.AppendAudit(e.ctx, recent), "new audit")
		expired, _, _ := carpool.NewAccountLink(carpool.LinkPasswordReset, driver.ID, "", e.now.Add(-time.Hour))
		noErr(t, e.s.CreateAccountLink(e.ctx, expired), "expired link")
		live, _, _ := carpool.NewAccountLink(carpool.LinkPasswordReset, passenger.ID, "", e.now)
		noErr(t, e.s.CreateAccountLink(e.ctx, live), "live link")

		got, err := e.f.PurgeBefore(e.ctx, e.now.Add(-year))
		noErr(t, err, "purge")
		want := carpool.Purged{Notifications: int64(oldInbox), Audit: 1, Links: 1}
		if got != want {
			t.Fatalf("purged %+v, want %+v", got, want)
		}
		if n := len(e.inbox(passenger)) + len(e.inbox(driver)); n == 0 {
			t.Fatal("the recent notifications were purged too")
		}
		entries, _, err := e.s.AuditLog(e.ctx, carpool.AuditFilter{}, carpool.Page{Limit: 100})
		noErr(t, err, "audit log")
		var subjects []string
		for _, a := range entries {
			subjects = append(subjects, a.SubjectID)
		}
		if slices.Contains(subjects, "s-old") || !slices.Contains(subjects, "s-new") {
			t.Fatalf("audit subjects after the purge: got %v, want s-new and not s-old", subjects)
		}
		lines := purgeLines(t, e)
		if len(lines) != 1 {
			t.Fatalf("purge audit lines: got %+v, want one", lines)
		}
		if d, ok := carpool.ParsePurgeDetail(lines[0].Detail); !ok || d.Purged != want || !d.Before.Equal(e.now.Add(-year)) {
			t.Fatalf("purge audit detail: got %q (%+v), want what went and the cut-off", lines[0].Detail, d)
		}
		_, err = e.s.AccountLink(e.ctx, carpool.LinkPasswordReset, live.Hash, e.now)
		noErr(t, err, "the live link stays")

		// Nothing older left: no second line.
		got, err = e.f.PurgeBefore(e.ctx, e.now.Add(-year))
		noErr(t, err, "purge again")
		if got.Total() != 0 || len(purgeLines(t, e)) != 1 {
			t.Fatalf("a purge with nothing to do: got %+v and %d lines, want nothing and 1 line", got, len(purgeLines(t, e)))
		}

		// A retention shorter than the newer rows' age takes delivered mail and events too.
		got, err = e.f.PurgeBefore(e.ctx, time.Now().Add(time.Hour))
		noErr(t, err, "purge all")
		if got.Deliveries != int64(len(ds)) || got.Events == 0 || got.Notifications == 0 {
			t.Fatalf("purging everything: got %+v, want %d deliveries and the events", got, len(ds))
		}
		if evs := e.eventsAfter(0); len(evs) != 0 {
			t.Fatalf("events left: %d, want 0", len(evs))
		}
	})

	t.Run("processes purging at once delete each row once", func(t *testing.T) {
		e := newEnv(t, open)
		m := e.member(carpool.RoleMember)
		const entries = 30
		for i := range entries {
			a := carpool.NewAuditEntry(m, carpool.AuditSiteChanged, "site", fmt.Sprint(i), "", e.now.Add(-2*year))
			noErr(t, e.s.AppendAudit(e.ctx, a), "old audit")
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var deleted int64
		var runs int
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p, err := e.f.PurgeBefore(e.ctx, e.now.Add(-year))
				if err != nil {
					t.Errorf("purge: %v", err)
					return
				}
				mu.Lock()
				deleted += p.Audit
				if p.Total() > 0 {
					runs++
				}
				mu.Unlock()
			}()
		}
		wg.Wait()
		if deleted != entries {
			t.Fatalf("deleted %d audit entries in all, want %d", deleted, entries)
		}
		if lines := purgeLines(t, e); len(lines) != runs {
			t.Fatalf("purge lines: got %d, want one per purge that deleted something (%d)", len(lines), runs)
		}
	})
}

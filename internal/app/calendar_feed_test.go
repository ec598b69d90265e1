package app_test

import (
	"testing"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// TestPasswordChangeStopsTheFeedUnlessKept: a new password revokes the member's calendar
// feed by default; with KeepCalendarOnPasswordChange it keeps working.
func TestPasswordChangeStopsTheFeedUnlessKept(t *testing.T) {
	for _, keep := range []bool{false, true} {
		f := newApp(t)
		f.app = app.New(f.store, app.Options{Now: f.clock.Now, KeepCalendarOnPasswordChange: keep})
		m := f.member(carpool.RoleMember)
		if err := f.store.SetCalendarToken(f.ctx, m.ID, "hash-"+m.ID, f.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if err := f.app.ChangePassword(f.ctx, m, password, "another horse battery staple", ""); err != nil {
			t.Fatalf("change password: %v", err)
		}
		has, err := f.store.HasCalendarToken(f.ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if has != keep {
			t.Errorf("keep=%v: the feed after a password change: live=%v, want %v", keep, has, keep)
		}
	}
}

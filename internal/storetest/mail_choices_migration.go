package storetest

import (
	"context"
	"maps"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// MailChoicesMigrated checks what migration 00020 does to e-mail preferences written
// before it, when they were opt-ins: a member who had chosen some kinds keeps exactly
// those (every other kind becomes an explicit no), and a member who had chosen none gets
// the defaults. s is migrated up to 00019; exec runs SQL on it; migrate finishes the job.
func MailChoicesMigrated(t *testing.T, s carpool.Store, exec func(q string, args ...any) error, migrate func() error) {
	ctx := context.Background()
	now := carpool.Timestamp(time.Now())
	chose, never := carpool.NewID(), carpool.NewID()
	for _, id := range []string{chose, never} {
		m := carpool.Member{ID: id, Email: id + "@example.com", Name: "M " + id[:6], Role: carpool.RoleMember,
			PasswordHash: "x", CreatedAt: now, UpdatedAt: now}
		if err := exec(`INSERT INTO members (id, email, name, phone, role, password_hash, created_at, updated_at)
			VALUES ($1, $2, $3, '', $4, $5, $6, $6)`, m.ID, m.Email, m.Name, string(m.Role), m.PasswordHash, now); err != nil {
			t.Fatalf("member before the migration: %v", err)
		}
	}
	for _, k := range []string{carpool.EventBookingConfirmed, carpool.EventRideReminder} {
		if err := exec(`INSERT INTO email_preferences (member_id, kind) VALUES ($1, $2)`, chose, k); err != nil {
			t.Fatalf("opt-in before the migration: %v", err)
		}
	}
	if err := migrate(); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	got, err := s.EmailChoices(ctx, chose)
	if err != nil {
		t.Fatal(err)
	}
	kinds := []string{carpool.EventBookingRequested, carpool.EventBookingConfirmed, carpool.EventBookingRejected,
		carpool.EventBookingCancelled, carpool.EventRideUpdated, carpool.EventReservationCancelled, carpool.EventRideReminder,
		carpool.EventSeriesSkipped, carpool.EventSeriesEnded, carpool.EventSeriesConflict}
	want := map[string]bool{}
	for _, k := range kinds {
		want[k] = k == carpool.EventBookingConfirmed || k == carpool.EventRideReminder
	}
	if !maps.Equal(got, want) {
		t.Errorf("a member who had chosen: got %v, want %v", got, want)
	}
	if got, err := s.EmailChoices(ctx, never); err != nil || len(got) != 0 {
		t.Errorf("a member who had chosen none: got %v, %v; want no choice (the defaults)", got, err)
	}
}

package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"carpool/internal/calendar"
	"carpool/internal/carpool"
	"carpool/internal/locale"
)

// stopCalendarFeed revokes the member's calendar feed URL: the feed token is a
// credential like any other, so it ends with deactivation and erasure, and with a new
// password unless the operator keeps feeds then (KeepCalendarOnPasswordChange).
func (a *App) stopCalendarFeed(ctx context.Context, memberID string) error {
	if err := a.store.SetCalendarToken(ctx, memberID, "", a.Now()); err != nil {
		return fmt.Errorf("stop calendar feed: %w", err)
	}
	return nil
}

// passwordChanged ends what a new password ends besides sessions: the calendar feed.
func (a *App) passwordChanged(ctx context.Context, memberID string) error {
	if a.keepCalendar {
		return nil
	}
	return a.stopCalendarFeed(ctx, memberID)
}

// hashCalendarToken is how calendar tokens are stored: a leaked database does not leak
// feeds.
func hashCalendarToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewCalendarURL makes a fresh secret feed URL for the member; the previous one stops
// working.
func (a *App) NewCalendarURL(ctx context.Context, me carpool.Member) (string, error) {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	token := hex.EncodeToString(b)
	if err := a.store.SetCalendarToken(ctx, me.ID, hashCalendarToken(token), a.Now()); err != nil {
		return "", err
	}
	return a.publicURL + "/calendar/" + token + ".ics", nil
}

// RevokeCalendar stops the member's feed URL.
func (a *App) RevokeCalendar(ctx context.Context, me carpool.Member) error {
	return a.stopCalendarFeed(ctx, me.ID)
}

// HasCalendar reports whether the member has a live feed URL (its token is not kept, so
// it cannot be shown again).
func (a *App) HasCalendar(ctx context.Context, me carpool.Member) (bool, error) {
	return a.store.HasCalendarToken(ctx, me.ID)
}

// CalendarFeed returns the iCalendar feed behind a token; ENOTFOUND for a revoked or
// unknown one.
func (a *App) CalendarFeed(ctx context.Context, token string) ([]byte, error) {
	me, err := a.store.CalendarMember(ctx, hashCalendarToken(token))
	if err != nil {
		return nil, err
	}
	if !me.Active() || me.IsErased() {
		// A feed is a credential of its member: it ends with their account, even where
		// a token outlived it (one written before feeds were revoked with accounts).
		return nil, carpool.Errorf(carpool.ENOTFOUND, "calendar not found")
	}
	// The feed is read by its member alone: in their language and on their clock.
	words := locale.ForCode(me.Language, a.lang)
	since := a.now().Add(-30 * 24 * time.Hour)
	entries, err := a.calendarRides(ctx, me, since, words)
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	trips, err := a.calendarTrips(ctx, me, since, words)
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	return calendar.Write(words.T("calendar.name", "Name", me.Name), append(entries, trips...), me.Location(a.loc)), nil
}

// calendarRides are the rides the member drives and those they ride in, one entry per
// ride: a confirmed booking speaks for it over a cancelled one.
func (a *App) calendarRides(ctx context.Context, me carpool.Member, since time.Time, words *locale.Printer) ([]calendar.Entry, error) {
	var entries []calendar.Entry
	rides, err := pages(ctx, func(ctx context.Context, p carpool.Page) ([]carpool.Ride, string, error) {
		return a.store.Rides(ctx, carpool.RideFilter{DriverID: me.ID, DepartAfter: since, IncludeClosed: true}, p)
	}, 0)
	if err != nil {
		return nil, err
	}
	for _, r := range rides {
		entries = append(entries, calendar.RideEntry(r, true, false, a.publicURL, words))
	}
	bookings, err := pages(ctx, func(ctx context.Context, p carpool.Page) ([]carpool.Booking, string, error) {
		return a.store.Bookings(ctx, carpool.BookingFilter{PassengerID: me.ID}, p)
	}, 0)
	if err != nil {
		return nil, err
	}
	cancelled := map[string]bool{}
	confirmed := map[string]carpool.Booking{}
	var order []string
	for _, b := range bookings {
		if b.Status != carpool.BookingConfirmed && b.Status != carpool.BookingCancelled {
			continue // pending, waitlisted, rejected: not a trip in the calendar
		}
		was, ok := cancelled[b.RideID]
		if !ok {
			order = append(order, b.RideID)
		}
		cancelled[b.RideID] = b.Status == carpool.BookingCancelled && (!ok || was)
		if b.Status == carpool.BookingConfirmed {
			confirmed[b.RideID] = b
		}
	}
	for _, id := range order {
		r, err := a.store.Ride(ctx, id)
		if err != nil {
			return nil, err
		}
		if r.DepartAt.Before(since) {
			continue
		}
		e := calendar.RideEntry(r, false, cancelled[id], a.publicURL, words)
		if b, ok := confirmed[id]; ok {
			// A passenger with a pickup of their own starts the trip there, later.
			if at, ok := b.PickupAt(r); ok {
				e.Start, e.Location = at, b.Pickup.Label
				if end := at.Add(30 * time.Minute); end.After(e.End) {
					e.End = end
				}
			}
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// calendarTrips are the member's pool-car reservations for trips of their own.
func (a *App) calendarTrips(ctx context.Context, me carpool.Member, since time.Time, words *locale.Printer) ([]calendar.Entry, error) {
	reservations, err := pages(ctx, func(ctx context.Context, p carpool.Page) ([]carpool.Reservation, string, error) {
		return a.store.Reservations(ctx, carpool.ReservationFilter{MemberID: me.ID, Start: since, End: since.Add(10 * 365 * 24 * time.Hour)}, p)
	}, 0)
	if err != nil {
		return nil, err
	}
	var entries []calendar.Entry
	for _, res := range reservations {
		if res.Kind != carpool.ReservationTrip {
			continue
		}
		car, err := a.store.Car(ctx, res.CarID)
		if err != nil {
			return nil, err
		}
		entries = append(entries, calendar.ReservationEntry(res, car, a.publicURL, words))
	}
	return entries, nil
}

package app

import (
	"context"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// Export is everything carpool holds about one member (GDPR Art. 15 and 20), in a form
// a machine can read: their profile without the password hash, their sessions without
// the token hashes, their cars, reservations, rides, bookings, saved places, commutes
// and subscriptions, their inbox and e-mail choices, the messages they wrote on rides,
// and the audit entries about them.
type Export struct {
	ExportedAt    time.Time              `json:"exported_at"`
	Member        ExportedMember         `json:"member"`
	Sessions      []ExportedSession      `json:"sessions"`
	Cars          []ExportedCar          `json:"cars"`
	Reservations  []ExportedReservation  `json:"reservations"`
	Rides         []ExportedRide         `json:"rides_driven"`
	Bookings      []ExportedBooking      `json:"bookings"`
	Places        []ExportedSavedPlace   `json:"saved_places"`
	Series        []ExportedSeries       `json:"commutes_driven"`
	Subscriptions []ExportedSubscription `json:"commute_subscriptions"`
	Notifications []ExportedNotification `json:"notifications"`
	Messages      []ExportedMessage      `json:"messages"`
	Proofs        []ExportedProof        `json:"proof_records"`
	RidesHome     []ExportedRideHome     `json:"rides_home"`
	DriverNoShows []ExportedDriverNoShow `json:"driver_no_shows"`
	EmailKinds    []string               `json:"email_notifications"`
	Audit         []ExportedAuditEntry   `json:"audit_entries"`
}

// ExportedMember is a member's profile as exported.
type ExportedMember struct {
	ID            string    `json:"id"`
	Email         string    `json:"email"`
	Name          string    `json:"name"`
	Phone         string    `json:"phone"`
	Role          string    `json:"role"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	DeactivatedAt time.Time `json:"deactivated_at"`
	// PendingEmail is an address the member asked to change to and has not confirmed.
	PendingEmail string `json:"pending_email,omitempty"`
	// Language is the language the member chose ("en", "de"); absent when none.
	Language string `json:"language,omitempty"`
	// TimeZone is the IANA zone the member chose; absent when none.
	TimeZone string `json:"time_zone,omitempty"`
}

// ExportedSession is a session or token as exported: when, not the secret's hash.
type ExportedSession struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// ExportMine collects everything held about me; the export itself is audited.
func (a *App) ExportMine(ctx context.Context, me carpool.Member) (Export, error) {
	m, err := a.store.Member(ctx, me.ID)
	if err != nil {
		return Export{}, err
	}
	x := Export{ExportedAt: a.Now(), Member: ExportedMember{
		ID: m.ID, Email: m.Email, Name: m.Name, Phone: m.Phone, Role: string(m.Role),
		CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, DeactivatedAt: m.DeactivatedAt, Language: m.Language, TimeZone: m.TimeZone,
	}}
	if x.Member.PendingEmail, err = a.PendingEmail(ctx, m); err != nil {
		return Export{}, err
	}
	tokens, err := a.store.MemberTokens(ctx, m.ID, a.Now())
	if err != nil {
		return Export{}, err
	}
	for _, t := range tokens {
		x.Sessions = append(x.Sessions, ExportedSession{ID: t.ID, CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt})
	}
	cars, err := everything(ctx, func(ctx context.Context, p carpool.Page) ([]carpool.Car, string, error) {
		return a.store.Cars(ctx, carpool.CarFilter{OwnerID: m.ID, IncludeRetired: true}, p)
	})
	if err != nil {
		return Export{}, err
	}
	reservations, err := everything(ctx, func(ctx context.Context, p carpool.Page) ([]carpool.Reservation, string, error) {
		return a.store.Reservations(ctx, carpool.ReservationFilter{MemberID: m.ID}, p)
	})
	if err != nil {
		return Export{}, err
	}
	rides, err := everything(ctx, func(ctx context.Context, p carpool.Page) ([]carpool.Ride, string, error) {
		return a.store.Rides(ctx, carpool.RideFilter{DriverID: m.ID, IncludeClosed: true}, p)
	})
	if err != nil {
		return Export{}, err
	}
	bookings, err := everything(ctx, func(ctx context.Context, p carpool.Page) ([]carpool.Booking, string, error) {
		return a.store.Bookings(ctx, carpool.BookingFilter{PassengerID: m.ID}, p)
	})
	if err != nil {
		return Export{}, err
	}
	places, err := a.store.Places(ctx, m.ID)
	if err != nil {
		return Export{}, err
	}
	series, err := a.store.SeriesList(ctx, carpool.SeriesFilter{DriverID: m.ID})
	if err != nil {
		return Export{}, err
	}
	subscriptions, err := a.store.Subscriptions(ctx, carpool.SubscriptionFilter{PassengerID: m.ID})
	if err != nil {
		return Export{}, err
	}
	notifications, err := everything(ctx, func(ctx context.Context, p carpool.Page) ([]carpool.Notification, string, error) {
		return a.store.Notifications(ctx, m.ID, p)
	})
	if err != nil {
		return Export{}, err
	}
	choices, err := a.store.EmailChoices(ctx, m.ID)
	if err != nil {
		return Export{}, err
	}
	x.EmailKinds = carpool.MailedKinds(choices)
	messages, err := a.store.MemberMessages(ctx, m.ID)
	if err != nil {
		return Export{}, err
	}
	proofs, err := a.store.MemberProofs(ctx, m.ID)
	if err != nil {
		return Export{}, err
	}
	ridesHome, err := everything(ctx, func(ctx context.Context, p carpool.Page) ([]carpool.RideHomeRequest, string, error) {
		return a.store.RideHomes(ctx, carpool.RideHomeFilter{MemberID: m.ID}, p)
	})
	if err != nil {
		return Export{}, err
	}
	noShows, err := a.store.MemberDriverNoShows(ctx, m.ID)
	if err != nil {
		return Export{}, err
	}
	audit, err := everything(ctx, func(ctx context.Context, p carpool.Page) ([]carpool.AuditEntry, string, error) {
		return a.store.AuditLog(ctx, carpool.AuditFilter{SubjectID: m.ID}, p)
	})
	if err != nil {
		return Export{}, err
	}
	x.Cars, x.Reservations = exportRecords(cars, exportCar), exportRecords(reservations, exportReservation)
	x.Rides, x.Bookings = exportRecords(rides, exportRide), exportRecords(bookings, exportBooking)
	x.Places, x.Series = exportRecords(places, exportSavedPlace), exportRecords(series, exportSeries)
	x.Subscriptions = exportRecords(subscriptions, exportSubscription)
	x.Notifications, x.Audit = exportRecords(notifications, exportNotification), exportRecords(audit, exportAuditEntry)
	x.Messages, x.RidesHome = exportRecords(messages, exportMessage), exportRecords(ridesHome, exportRideHome)
	x.Proofs = exportRecords(proofs, func(p carpool.Proof) ExportedProof { return exportProof(p, m.ID) })
	x.DriverNoShows = exportRecords(noShows, func(n carpool.DriverNoShow) ExportedDriverNoShow { return exportDriverNoShow(n, m.ID) })
	x.EmailKinds, x.Sessions = nonNil(x.EmailKinds), nonNil(x.Sessions)
	a.audit(ctx, me, carpool.AuditDataExported, "member", m.ID, "")
	return x, nil
}

// nonNil returns s, or an empty slice for nil, so an export lists "none" as [] rather
// than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// everything reads every page of a list: an export must be complete, and one member's
// history is small enough to hold.
func everything[T any](ctx context.Context, list func(context.Context, carpool.Page) ([]T, string, error)) ([]T, error) {
	return pages(ctx, list, 0)
}

// EraseMe erases me's account (GDPR Art. 17) once they confirm it with their password.
func (a *App) EraseMe(ctx context.Context, me carpool.Member, password string) error {
	m, err := a.store.Member(ctx, me.ID)
	if err != nil {
		return err
	}
	if ok, err := a.checkPassword(ctx, m.PasswordHash, password); err != nil {
		return fmt.Errorf("erase me: %w", err)
	} else if !ok {
		return carpool.FieldErrorf(carpool.EINVALID, "password", "the password is wrong")
	}
	if err := a.erase(ctx, me.ID, me); err != nil {
		return err
	}
	return a.stopCalendarFeed(ctx, me.ID)
}

// EraseMember erases another member's account (admins).
func (a *App) EraseMember(ctx context.Context, me carpool.Member, id string) error {
	if err := requireAdmin(me, carpool.Phrasef("erase accounts")); err != nil {
		return err
	}
	if err := a.erase(ctx, id, me); err != nil {
		return err
	}
	return a.stopCalendarFeed(ctx, id)
}

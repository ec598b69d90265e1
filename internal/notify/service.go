package notify

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/language"

	"carpool/internal/calendar"
	"carpool/internal/carpool"
	"carpool/internal/locale"
	"carpool/internal/outbound"
	"carpool/internal/webhook"
)

// Service holds the notification use cases that the REST API and the web UI share: each
// decides who may act and what changes, so the edges only translate.
type Service struct {
	store     carpool.Store
	adminAddr string
	outbound  outbound.Policy
	publicURL string
	loc       *time.Location
	lang      language.Tag
	now       func() time.Time
}

// ServiceOptions configure a Service. The zero value works: the default admin port
// :9090 protected, links to http://localhost:8080, times in UTC.
type ServiceOptions struct {
	AdminAddr string // webhooks may not point at it
	// Outbound is where webhooks may point (CARPOOL_OUTBOUND_ALLOW_*).
	Outbound  outbound.Policy
	PublicURL string
	Location  *time.Location
	// Language speaks to members who chose none [English].
	Language language.Tag
	Now      func() time.Time
}

// NewService returns the notification use cases over store.
func NewService(store carpool.Store, o ServiceOptions) *Service {
	s := &Service{store: store, adminAddr: o.AdminAddr, outbound: o.Outbound, publicURL: strings.TrimRight(o.PublicURL, "/"), loc: o.Location, lang: o.Language, now: o.Now}
	if s.adminAddr == "" {
		s.adminAddr = ":9090" // the default CARPOOL_ADMIN_ADDR
	}
	if s.publicURL == "" {
		s.publicURL = "http://localhost:8080"
	}
	if s.loc == nil {
		s.loc = time.UTC
	}
	if s.lang == (language.Tag{}) {
		s.lang = locale.Default
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Inbox returns a page of the member's notifications, newest first.
func (s *Service) Inbox(ctx context.Context, me carpool.Member, p carpool.Page) ([]carpool.Notification, string, error) {
	return s.store.Notifications(ctx, me.ID, p)
}

// Unread counts the member's unread notifications.
func (s *Service) Unread(ctx context.Context, me carpool.Member) (int, error) {
	return s.store.UnreadNotifications(ctx, me.ID)
}

// MarkRead marks one of the member's notifications read; ENOTFOUND for anyone else's.
func (s *Service) MarkRead(ctx context.Context, me carpool.Member, id string) error {
	return s.store.MarkNotificationRead(ctx, me.ID, id, carpool.Timestamp(s.now()))
}

// MarkAllRead marks all of the member's notifications read.
func (s *Service) MarkAllRead(ctx context.Context, me carpool.Member) error {
	return s.store.MarkAllNotificationsRead(ctx, me.ID, carpool.Timestamp(s.now()))
}

// EmailKinds returns the event types the member also gets by e-mail: their choices, and
// for the kinds they never chose about the default (carpool.MailedByDefault).
func (s *Service) EmailKinds(ctx context.Context, me carpool.Member) ([]string, error) {
	choices, err := s.store.EmailChoices(ctx, me.ID)
	if err != nil {
		return nil, err
	}
	return carpool.MailedKinds(choices), nil
}

// SetEmailKinds chooses the event types the member also wants by e-mail; the rest reach
// the inbox only. The choice is kept for every kind there is now, so a default changed
// later does not overturn it; a kind added later starts at its default.
func (s *Service) SetEmailKinds(ctx context.Context, me carpool.Member, kinds []string) error {
	for _, k := range kinds {
		if !KnownKind(k) {
			return carpool.FieldErrorf(carpool.EINVALID, "email", "%q is not a kind of notification", k)
		}
	}
	choices := make(map[string]bool, len(Kinds))
	for _, k := range Kinds {
		choices[k] = slices.Contains(kinds, k)
	}
	return s.store.SetEmailChoices(ctx, me.ID, choices)
}

func adminOnly(me carpool.Member) error {
	if me.Role != carpool.RoleAdmin {
		return carpool.Errorf(carpool.EFORBIDDEN, "only admins manage webhooks and deliveries")
	}
	return nil
}

// WebhookInput is what an admin registers.
type WebhookInput struct {
	URL         string
	Events      []string // empty: every event
	Description string
}

// CreateWebhook registers an endpoint and returns it with its signing secret, which is
// shown this once.
func (s *Service) CreateWebhook(ctx context.Context, me carpool.Member, in WebhookInput) (carpool.Webhook, error) {
	if err := adminOnly(me); err != nil {
		return carpool.Webhook{}, err
	}
	// Every wrong field is reported at once.
	errs := []error{webhook.CheckURL(in.URL, s.adminAddr, s.outbound)}
	for _, e := range in.Events {
		if !strings.Contains(e, ".") || strings.ContainsAny(e, ", ") {
			errs = append(errs, carpool.FieldErrorf(carpool.EINVALID, "events", "%q is not an event type like booking.confirmed", e))
			break
		}
	}
	description, err := carpool.CleanWebhookDescription(in.Description)
	errs = append(errs, err)
	if err := carpool.JoinInvalid(errs...); err != nil {
		return carpool.Webhook{}, err
	}
	in.Description = description
	w := carpool.Webhook{ID: carpool.NewID(), URL: in.URL, Secret: webhook.NewSecret(), Events: in.Events,
		Description: in.Description, Enabled: true, CreatedAt: carpool.Timestamp(s.now())}
	if err := s.store.CreateWebhook(ctx, w); err != nil {
		return carpool.Webhook{}, err
	}
	return w, nil
}

// Webhooks lists the registered endpoints (secrets included: admins only).
func (s *Service) Webhooks(ctx context.Context, me carpool.Member) ([]carpool.Webhook, error) {
	if err := adminOnly(me); err != nil {
		return nil, err
	}
	hooks, err := s.store.Webhooks(ctx)
	for i := range hooks {
		// Registered before user-info was refused: the password stays out of sight.
		hooks[i].URL = outbound.Redact(hooks[i].URL)
	}
	return hooks, err
}

// DeleteWebhook removes an endpoint and its unsent deliveries.
func (s *Service) DeleteWebhook(ctx context.Context, me carpool.Member, id string) error {
	if err := adminOnly(me); err != nil {
		return err
	}
	return s.store.DeleteWebhook(ctx, id)
}

// EnableWebhook turns a disabled endpoint on again.
func (s *Service) EnableWebhook(ctx context.Context, me carpool.Member, id string) error {
	if err := adminOnly(me); err != nil {
		return err
	}
	return s.store.EnableWebhook(ctx, id)
}

// DeadDeliveries lists the deliveries that used all their attempts.
func (s *Service) DeadDeliveries(ctx context.Context, me carpool.Member, p carpool.Page) ([]carpool.Delivery, string, error) {
	if err := adminOnly(me); err != nil {
		return nil, "", err
	}
	return s.store.DeadDeliveries(ctx, p)
}

// RetryDelivery sends a dead delivery again, with fresh attempts.
func (s *Service) RetryDelivery(ctx context.Context, me carpool.Member, id string) error {
	if err := adminOnly(me); err != nil {
		return err
	}
	return s.store.RetryDelivery(ctx, id)
}

// hashToken is how calendar tokens are stored: a leaked database does not leak feeds.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewCalendarURL makes a fresh secret feed URL for the member; the previous one stops
// working.
func (s *Service) NewCalendarURL(ctx context.Context, me carpool.Member) (string, error) {
	b := make([]byte, 24)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	token := hex.EncodeToString(b)
	if err := s.store.SetCalendarToken(ctx, me.ID, hashToken(token), carpool.Timestamp(s.now())); err != nil {
		return "", err
	}
	return s.publicURL + "/calendar/" + token + ".ics", nil
}

// RevokeCalendar stops the member's feed URL.
func (s *Service) RevokeCalendar(ctx context.Context, me carpool.Member) error {
	return s.store.SetCalendarToken(ctx, me.ID, "", carpool.Timestamp(s.now()))
}

// HasCalendar reports whether the member has a live feed URL (its token is not kept, so
// it cannot be shown again).
func (s *Service) HasCalendar(ctx context.Context, me carpool.Member) (bool, error) {
	return s.store.HasCalendarToken(ctx, me.ID)
}

// CalendarFeed returns the iCalendar feed behind a token; ENOTFOUND for a revoked or
// unknown one.
func (s *Service) CalendarFeed(ctx context.Context, token string) ([]byte, error) {
	me, err := s.store.CalendarMember(ctx, hashToken(token))
	if err != nil {
		return nil, err
	}
	if !me.Active() || me.IsErased() {
		// A feed is a credential of its member: it ends with their account, even where
		// a token outlived it (one written before feeds were revoked with accounts).
		return nil, carpool.Errorf(carpool.ENOTFOUND, "calendar not found")
	}
	// The feed is read by its member alone: in their language and on their clock.
	words := locale.ForCode(me.Language, s.lang)
	var entries []calendar.Entry
	since := s.now().Add(-30 * 24 * time.Hour)
	rides, err := all(func(p carpool.Page) ([]carpool.Ride, string, error) {
		return s.store.Rides(ctx, carpool.RideFilter{DriverID: me.ID, DepartAfter: since, IncludeClosed: true}, p)
	})
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	for _, r := range rides {
		entries = append(entries, calendar.RideEntry(r, true, false, s.publicURL, words))
	}
	bookings, err := all(func(p carpool.Page) ([]carpool.Booking, string, error) {
		return s.store.Bookings(ctx, carpool.BookingFilter{PassengerID: me.ID}, p)
	})
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	// One entry per ride: a confirmed booking speaks for it over a cancelled one.
	cancelled := map[string]bool{}
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
	}
	for _, id := range order {
		r, err := s.store.Ride(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("calendar: %w", err)
		}
		if r.DepartAt.Before(since) {
			continue
		}
		entries = append(entries, calendar.RideEntry(r, false, cancelled[id], s.publicURL, words))
	}
	reservations, err := all(func(p carpool.Page) ([]carpool.Reservation, string, error) {
		return s.store.Reservations(ctx, carpool.ReservationFilter{MemberID: me.ID, Start: since, End: since.Add(10 * 365 * 24 * time.Hour)}, p)
	})
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	for _, res := range reservations {
		if res.Kind != carpool.ReservationTrip {
			continue
		}
		car, err := s.store.Car(ctx, res.CarID)
		if err != nil {
			return nil, fmt.Errorf("calendar: %w", err)
		}
		entries = append(entries, calendar.ReservationEntry(res, car, s.publicURL, words))
	}
	return calendar.Write(words.T("calendar.name", "Name", me.Name), entries, me.Location(s.loc)), nil
}

// all reads every page of a list.
func all[T any](page func(carpool.Page) ([]T, string, error)) ([]T, error) {
	var out []T
	p := carpool.Page{Limit: carpool.MaxPageLimit}
	for {
		items, next, err := page(p)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" {
			return out, nil
		}
		p.Cursor = next
	}
}

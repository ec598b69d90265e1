package carpool

import (
	"time"
)

// SeriesStatus is active until the driver ends the series.
type SeriesStatus string

const (
	SeriesActive SeriesStatus = "active"
	SeriesEnded  SeriesStatus = "ended"
)

// Horizon bounds: how far ahead a series' occurrences are materialised as rides.
const (
	// DefaultSeriesHorizon is four weeks: far enough to plan, near enough that a change
	// to the series touches few rides.
	DefaultSeriesHorizon = 4 * 7 * 24 * time.Hour
	// MaxSeriesHorizon is twelve weeks. Every materialised ride is a row that a change
	// to the series must rewrite under lock, and a pool car held months ahead blocks the
	// fleet; a longer horizon is refused.
	MaxSeriesHorizon = 12 * 7 * 24 * time.Hour
	// MaxDateAhead is the furthest ahead a series may start or a day of it be skipped:
	// as far as a single ride may be offered by default, so no date the model plans with
	// lies further out than the rides it makes.
	MaxDateAhead = 365 * 24 * time.Hour
	// MaxSeriesSpan is the furthest a series' end date may lie after its start.
	MaxSeriesSpan = 2 * 366 * 24 * time.Hour
)

// ValidateHorizon checks a materialisation horizon.
func ValidateHorizon(d time.Duration) error {
	if d < 24*time.Hour || d > MaxSeriesHorizon {
		return FieldErrorf(EINVALID, "horizon", "the series horizon must be between 1 day and %d weeks", int(MaxSeriesHorizon/(7*24*time.Hour)))
	}
	return nil
}

// Series is a commute a driver offers once for many days: on Weekdays from StartsOn to
// EndsOn (zero: until ended), leaving at DepartTime in TimeZone. Its occurrences become
// ordinary rides a rolling horizon ahead. A series in a pool car also holds the car each
// day from ReserveFrom to ReserveUntil (local), a reservation per occurrence.
type Series struct {
	ID           string
	DriverID     string
	CarID        string
	From         Place
	To           Place
	Weekdays     Weekdays
	DepartTime   Clock
	TimeZone     string
	Seats        int
	BookingMode  BookingMode
	Notes        string
	DetourKM     float64 // the detour budget of every occurrence (Ride.DetourKM)
	StartsOn     Date
	EndsOn       Date
	ReserveFrom  Clock
	ReserveUntil Clock
	// Sharing is the driver's choice for partner operators for this commute; its days
	// (rides) carry it.
	Sharing   PartnerSharing
	Status    SeriesStatus
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// SeriesInput is what a driver gives to offer a series. ReserveFrom and ReserveUntil
// are for pool cars only.
type SeriesInput struct {
	CarID        string
	From         Place
	To           Place
	Weekdays     Weekdays
	DepartTime   Clock
	TimeZone     string
	Seats        int
	BookingMode  BookingMode
	Notes        string
	DetourKM     *float64 // nil means DefaultDetourKM
	StartsOn     Date
	EndsOn       Date
	ReserveFrom  *Clock
	ReserveUntil *Clock
	// Sharing overrides the driver's profile for partner operators (zero: follow it).
	Sharing PartnerSharing
}

// Location returns the series' time zone. The zone was checked when the series was made;
// should the zone database lose it, UTC keeps the series working rather than failing.
func (s Series) Location() *time.Location {
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// DepartAt returns the departure on day d (see Clock.At for DST-change days).
func (s Series) DepartAt(d Date) time.Time { return s.DepartTime.At(d, s.Location()) }

// Runs reports whether the series has an occurrence on day d, ignoring skips.
func (s Series) Runs(d Date) bool {
	return s.Weekdays.Has(d.Weekday()) && !d.Before(s.StartsOn) && (s.EndsOn.IsZero() || !d.After(s.EndsOn))
}

// UsesPoolCar reports whether each occurrence needs a reservation of the car.
func (s Series) UsesPoolCar() bool { return s.ReserveFrom != s.ReserveUntil }

// ReservationWindow returns the car reservation an occurrence on day d needs.
func (s Series) ReservationWindow(d Date) (start, end time.Time) {
	loc := s.Location()
	return s.ReserveFrom.At(d, loc), s.ReserveUntil.At(d, loc)
}

// Due returns the days, oldest first, whose occurrence should exist as a ride at now:
// those the series runs on whose departure lies after now and no later than
// now+horizon. Skips are the store's to filter; it keeps the occurrences.
func (s Series) Due(now time.Time, horizon time.Duration) []Date {
	if s.Status != SeriesActive {
		return nil
	}
	loc := s.Location()
	until := now.Add(horizon)
	var days []Date
	// One day of slack on each side: "today" differs between zones.
	first, last := DateOf(now.In(loc)).AddDays(-1), DateOf(until.In(loc)).AddDays(1)
	for d := first; !d.After(last); d = d.AddDays(1) {
		if !s.Runs(d) {
			continue
		}
		if at := s.DepartAt(d); at.After(now) && !at.After(until) {
			days = append(days, d)
		}
	}
	return days
}

// RideInput returns the ride an occurrence on day d is; reservationID names the car's
// reservation for that day when the car is a pool car.
func (s Series) RideInput(d Date, reservationID string) RideInput {
	return RideInput{
		CarID: s.CarID, ReservationID: reservationID, From: s.From, To: s.To,
		DepartAt: s.DepartAt(d), Seats: s.Seats, BookingMode: s.BookingMode, Notes: s.Notes,
		DetourKM: &s.DetourKM, Sharing: s.Sharing,
	}
}

// Check reports every field of the commute that is wrong on its own, before any car is
// looked at (see RideInput.Check).
func (in SeriesInput) Check(now time.Time) error {
	_, _, _, fe := in.normalised(now)
	return fe.err()
}

// normalised returns the commute with its defaults applied and its notes cleaned, its
// zone, the detour budget, and the errors of its own fields, all of them.
func (in SeriesInput) normalised(now time.Time) (SeriesInput, *time.Location, float64, fieldErrors) {
	var fe fieldErrors
	fe.add(in.From.validate("from"))
	fe.add(in.To.validate("to"))
	if in.Weekdays&AllWeekdays == 0 {
		fe.add(FieldErrorf(EINVALID, "weekdays", "choose at least one weekday"))
	}
	if in.TimeZone == "" {
		in.TimeZone = "UTC"
	}
	loc, err := time.LoadLocation(in.TimeZone)
	if err != nil || in.TimeZone == "Local" {
		fe.add(FieldErrorf(EINVALID, "time_zone", "time_zone must be an IANA zone such as Europe/Berlin"))
		loc = time.UTC
	}
	fe.add(validateClock("depart_time", in.DepartTime))
	today := DateOf(now.In(loc))
	switch {
	case in.StartsOn.IsZero():
		fe.add(FieldErrorf(EINVALID, "starts_on", "starts_on is required"))
	case in.StartsOn.Before(today):
		fe.add(FieldErrorf(EINVALID, "starts_on", "starts_on must not be in the past"))
	case in.StartsOn.After(DateOf(now.In(loc).Add(MaxDateAhead))):
		fe.add(FieldErrorf(EINVALID, "starts_on", "starts_on may lie at most %s ahead", days(MaxDateAhead)))
	}
	if !in.EndsOn.IsZero() && !in.StartsOn.IsZero() {
		switch {
		case in.EndsOn.Before(in.StartsOn):
			fe.add(FieldErrorf(EINVALID, "ends_on", "ends_on must not be before starts_on"))
		case in.EndsOn.midnight().Sub(in.StartsOn.midnight()) > MaxSeriesSpan:
			fe.add(FieldErrorf(EINVALID, "ends_on", "a series may run at most two years; leave ends_on empty to run until ended"))
		}
	}
	if in.BookingMode == "" {
		in.BookingMode = BookingInstant
	}
	if !in.BookingMode.Valid() {
		fe.add(FieldErrorf(EINVALID, "booking_mode", "booking_mode must be instant or approval"))
	}
	in.Notes, err = notesText.Clean("notes", in.Notes)
	fe.add(err)
	detour := DefaultDetourKM
	if in.DetourKM != nil {
		detour = *in.DetourKM
	}
	fe.add(validateDetour(detour))
	if !in.Sharing.Valid() {
		fe.add(FieldErrorf(EINVALID, "share_with_partners", "share_with_partners must be true, false or null"))
	}
	return in, loc, detour, fe
}

// NewSeries checks a driver's series and returns it to store. The rules of a single ride
// (places, seats for the car, booking mode, notes, whose car) hold for the series; its
// own rules are about days and times.
func NewSeries(in SeriesInput, driver Member, car Car, now time.Time) (Series, error) {
	in, loc, detour, fe := in.normalised(now)
	if car.Status == CarActive {
		fe.add(validateOfferedSeats(in.Seats, car))
	}
	if err := fe.err(); err != nil {
		return Series{}, err
	}
	if car.Status != CarActive {
		return Series{}, FieldErrorf(ECONFLICT, "car_id", "car is %s", car.Status)
	}
	s := Series{
		ID: NewID(), DriverID: driver.ID, CarID: car.ID, From: in.From, To: in.To,
		Weekdays: in.Weekdays & AllWeekdays, DepartTime: in.DepartTime, TimeZone: loc.String(),
		Seats: in.Seats, BookingMode: in.BookingMode, Notes: in.Notes, DetourKM: detour,
		StartsOn: in.StartsOn, EndsOn: in.EndsOn, Sharing: in.Sharing,
		Status: SeriesActive, Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	switch car.Kind {
	case CarPrivate:
		if car.OwnerID != driver.ID {
			return Series{}, FieldErrorf(EFORBIDDEN, "car_id", "you can only offer rides in your own car or a pool car you reserve")
		}
		if in.ReserveFrom != nil || in.ReserveUntil != nil {
			return Series{}, FieldErrorf(EINVALID, "reserve_from", "a private car needs no reservation")
		}
	case CarPool:
		if in.ReserveFrom == nil || in.ReserveUntil == nil {
			return Series{}, FieldErrorf(EINVALID, "reserve_from", "a pool car needs reserve_from and reserve_until, the daily reservation")
		}
		if err := validateClock("reserve_from", *in.ReserveFrom); err != nil {
			return Series{}, err
		}
		if err := validateClock("reserve_until", *in.ReserveUntil); err != nil {
			return Series{}, err
		}
		if in.ReserveUntil.minutes() <= in.ReserveFrom.minutes() {
			return Series{}, FieldErrorf(EINVALID, "reserve_until", "reserve_until must be after reserve_from on the same day")
		}
		s.ReserveFrom, s.ReserveUntil = *in.ReserveFrom, *in.ReserveUntil
		if err := s.checkDepartureInWindow(); err != nil {
			return Series{}, err
		}
	}
	return s, nil
}

func (s Series) checkDepartureInWindow() error {
	if s.UsesPoolCar() && (s.DepartTime.minutes() < s.ReserveFrom.minutes() || s.DepartTime.minutes() >= s.ReserveUntil.minutes()) {
		return FieldErrorf(EINVALID, "depart_time", "depart_time must lie within the daily reservation %s–%s", s.ReserveFrom, s.ReserveUntil)
	}
	return nil
}

func validateClock(field string, c Clock) error {
	if c.Hour < 0 || c.Hour > 23 || c.Minute < 0 || c.Minute > 59 {
		return FieldErrorf(EINVALID, field, "%s must be a time of day HH:MM", FieldName(field))
	}
	return nil
}

// SeriesPatch is a driver's change to all future occurrences; nil fields stay.
type SeriesPatch struct {
	DepartTime  *Clock
	Seats       *int
	BookingMode *BookingMode
	// DetourKM is a new detour budget; like a single ride's, a smaller one is refused
	// while a confirmed passenger of a future occurrence needs more.
	DetourKM *float64
	// Sharing is a new choice for partner operators, for the commute and its future days.
	Sharing *PartnerSharing
}

// Update applies a patch to the series itself. The store then applies RidePatch(day) to
// every future occurrence through RideBook.Update, whose rules refuse what they refuse
// for a single ride (fewer seats than are confirmed, for one).
func (s *Series) Update(p SeriesPatch, by Member, car Car, now time.Time) error {
	if by.ID != s.DriverID {
		return Errorf(EFORBIDDEN, "only the driver can change this series")
	}
	if s.Status != SeriesActive {
		return Errorf(ECONFLICT, "series has ended")
	}
	if p.DepartTime != nil {
		if err := validateClock("depart_time", *p.DepartTime); err != nil {
			return err
		}
		s.DepartTime = *p.DepartTime
		if err := s.checkDepartureInWindow(); err != nil {
			return err
		}
	}
	if p.Seats != nil {
		if err := validateOfferedSeats(*p.Seats, car); err != nil {
			return err
		}
		s.Seats = *p.Seats
	}
	if p.BookingMode != nil {
		if !p.BookingMode.Valid() {
			return FieldErrorf(EINVALID, "booking_mode", "booking_mode must be instant or approval")
		}
		s.BookingMode = *p.BookingMode
	}
	if p.DetourKM != nil {
		if err := validateDetour(*p.DetourKM); err != nil {
			return err
		}
		s.DetourKM = *p.DetourKM
	}
	if p.Sharing != nil {
		if !p.Sharing.Valid() {
			return FieldErrorf(EINVALID, "share_with_partners", "share_with_partners must be true, false or null")
		}
		s.Sharing = *p.Sharing
	}
	s.Version++
	s.UpdatedAt = now
	return nil
}

// Fits checks that every active subscription still fits the series: a subscriber is
// booked with their seats on each day, so the series may not offer fewer.
func (s Series) Fits(subs []Subscription) error {
	for _, sub := range subs {
		if sub.Status == SubscriptionActive && sub.Seats > s.Seats {
			return FieldErrorf(ECONFLICT, "seats", "a subscriber rides with %d seats; they must leave first", sub.Seats)
		}
	}
	return nil
}

// RidePatch returns the change one occurrence on day d undergoes for patch p.
func (s Series) RidePatch(p SeriesPatch, d Date) RidePatch {
	var rp RidePatch
	if p.DepartTime != nil {
		at := s.DepartAt(d)
		rp.DepartAt = &at
	}
	rp.Seats, rp.BookingMode, rp.DetourKM, rp.Sharing = p.Seats, p.BookingMode, p.DetourKM, p.Sharing
	return rp
}

// End stops the series as of now: no more occurrences are made; the store cancels the
// future ones.
func (s *Series) End(by Member, now time.Time) error {
	if by.ID != s.DriverID && by.Role != RoleAdmin {
		return Errorf(EFORBIDDEN, "only the driver can end this series")
	}
	if s.Status != SeriesActive {
		return Errorf(ECONFLICT, "series has already ended")
	}
	s.Status = SeriesEnded
	today := DateOf(now.In(s.Location()))
	if s.EndsOn.IsZero() || s.EndsOn.After(today) {
		s.EndsOn = today
	}
	if s.EndsOn.Before(s.StartsOn) {
		s.StartsOn = s.EndsOn
	}
	s.Version++
	s.UpdatedAt = now
	return nil
}

// CheckSkip checks that by may skip day d of the series at now.
func (s Series) CheckSkip(d Date, by Member, now time.Time) error {
	if by.ID != s.DriverID {
		return Errorf(EFORBIDDEN, "only the driver can skip a day of this series")
	}
	if s.Status != SeriesActive {
		return Errorf(ECONFLICT, "series has ended")
	}
	if d.After(DateOf(now.In(s.Location()).Add(MaxDateAhead))) {
		return FieldErrorf(EINVALID, "date", "a day may be skipped at most %s ahead", days(MaxDateAhead))
	}
	if !s.Runs(d) {
		return FieldErrorf(EINVALID, "date", "the series does not run on %s", d)
	}
	if !s.DepartAt(d).After(now) {
		return FieldErrorf(EINVALID, "date", "the ride of %s has already left", d)
	}
	return nil
}

// OccurrenceStatus says what became of one day of a series.
type OccurrenceStatus string

const (
	// OccurrenceScheduled: the day's ride exists (it may since have been cancelled as a
	// single ride).
	OccurrenceScheduled OccurrenceStatus = "scheduled"
	// OccurrenceSkipped: the driver skipped the day; no ride is made for it.
	OccurrenceSkipped OccurrenceStatus = "skipped"
	// OccurrenceConflict: the pool car was not free for the day's reservation, so no
	// ride was made; driver and fleet managers were told.
	OccurrenceConflict OccurrenceStatus = "conflict"
)

// Occurrence is one day of a series. (SeriesID, On) is unique in the store: it is what
// makes each day's ride exist exactly once, however many replicas materialise at once.
type Occurrence struct {
	SeriesID      string
	On            Date
	Status        OccurrenceStatus
	RideID        string
	ReservationID string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// SubscriptionStatus is active until the passenger leaves the series.
type SubscriptionStatus string

const (
	SubscriptionActive SubscriptionStatus = "active"
	SubscriptionLeft   SubscriptionStatus = "left"
)

// Subscription books a passenger on every occurrence of a series on its Weekdays, as
// the occurrences appear.
type Subscription struct {
	ID          string
	SeriesID    string
	PassengerID string
	Weekdays    Weekdays
	Seats       int
	Status      SubscriptionStatus
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Covers reports whether the subscription wants the occurrence on day d.
func (sub Subscription) Covers(d Date) bool {
	return sub.Status == SubscriptionActive && sub.Weekdays.Has(d.Weekday())
}

// BookingRequest is what each occurrence is booked with: a full day puts the passenger
// on that day's waitlist (and tells them) rather than failing the subscription.
func (sub Subscription) BookingRequest() BookingRequest {
	return BookingRequest{Seats: sub.Seats, Waitlist: true}
}

// NewSubscription checks a passenger's subscription to a series. No days means every
// day the series runs.
func NewSubscription(s Series, passenger Member, days Weekdays, seats int, now time.Time) (Subscription, error) {
	if passenger.ID == s.DriverID {
		return Subscription{}, Errorf(EFORBIDDEN, "you cannot subscribe to your own series")
	}
	if s.Status != SeriesActive {
		return Subscription{}, Errorf(ECONFLICT, "series has ended")
	}
	if days == 0 {
		days = s.Weekdays
	}
	if !s.Weekdays.Contains(days) {
		return Subscription{}, FieldErrorf(EINVALID, "weekdays", "the series runs on %s only", s.Weekdays)
	}
	if seats == 0 {
		seats = 1
	}
	if seats < 1 || seats > s.Seats {
		return Subscription{}, FieldErrorf(EINVALID, "seats", "seats must be between 1 and %d", s.Seats)
	}
	return Subscription{
		ID: NewID(), SeriesID: s.ID, PassengerID: passenger.ID, Weekdays: days, Seats: seats,
		Status: SubscriptionActive, CreatedAt: now, UpdatedAt: now,
	}, nil
}

// Leave ends the subscription; the store cancels its future bookings.
func (sub *Subscription) Leave(now time.Time) error {
	if sub.Status != SubscriptionActive {
		return Errorf(ECONFLICT, "you have already left this series")
	}
	sub.Status = SubscriptionLeft
	sub.UpdatedAt = now
	return nil
}

// SeriesReport is what one materialisation pass did.
type SeriesReport struct {
	// Created are the occurrences made into rides in this pass.
	Created []Occurrence
	// Conflicts are the occurrences whose pool car was taken (reservation or maintenance).
	Conflicts []Occurrence
	// Bookings are the subscribers' bookings made on the new rides.
	Bookings []Booking
}

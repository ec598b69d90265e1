package app

import (
	"time"

	"carpool/internal/carpool"
)

// The records of an export, in the snake_case keys of the rest of the API. Times are
// RFC 3339 in UTC; a time, date or clock that is not set is left out.

// ExportedCar is a car the member owns.
type ExportedCar struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	Plate     string    `json:"plate"`
	Make      string    `json:"make"`
	Model     string    `json:"model"`
	Seats     int       `json:"seats"`
	Status    string    `json:"status"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ExportedReservation is a pool-car reservation the member held.
type ExportedReservation struct {
	ID          string    `json:"id"`
	CarID       string    `json:"car_id"`
	Kind        string    `json:"kind"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	Status      string    `json:"status"`
	CancelledBy string    `json:"cancelled_by,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// ExportedPlace is a labelled point: a ride's ends, a passenger's pickup.
type ExportedPlace struct {
	Label string  `json:"label"`
	Lat   float64 `json:"lat"`
	Lon   float64 `json:"lon"`
}

// ExportedRide is a ride the member offered.
type ExportedRide struct {
	ID            string        `json:"id"`
	CarID         string        `json:"car_id"`
	ReservationID string        `json:"reservation_id,omitempty"`
	From          ExportedPlace `json:"from"`
	To            ExportedPlace `json:"to"`
	DepartAt      time.Time     `json:"depart_at"`
	Seats         int           `json:"seats"`
	SeatsTaken    int           `json:"seats_taken"`
	BookingMode   string        `json:"booking_mode"`
	Notes         string        `json:"notes"`
	Status        string        `json:"status"`
	MaxDetourKM   float64       `json:"max_detour_km"`
	Version       int           `json:"version"`
	CreatedAt     time.Time     `json:"created_at"`
	UpdatedAt     time.Time     `json:"updated_at"`
}

// ExportedBooking is a seat the member booked.
type ExportedBooking struct {
	ID          string         `json:"id"`
	RideID      string         `json:"ride_id"`
	DriverID    string         `json:"driver_id"`
	Seats       int            `json:"seats"`
	Status      string         `json:"status"`
	CancelledBy string         `json:"cancelled_by,omitempty"`
	Pickup      *ExportedPlace `json:"pickup,omitempty"`
	Dropoff     *ExportedPlace `json:"dropoff,omitempty"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
}

// ExportedSavedPlace is a place the member saved.
type ExportedSavedPlace struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Address   string    `json:"address"`
	Lat       float64   `json:"lat"`
	Lon       float64   `json:"lon"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ExportedSeries is a recurring commute the member drives.
type ExportedSeries struct {
	ID           string        `json:"id"`
	CarID        string        `json:"car_id"`
	From         ExportedPlace `json:"from"`
	To           ExportedPlace `json:"to"`
	Weekdays     []string      `json:"weekdays"`
	DepartTime   string        `json:"depart_time"`
	TimeZone     string        `json:"time_zone"`
	Seats        int           `json:"seats"`
	BookingMode  string        `json:"booking_mode"`
	Notes        string        `json:"notes"`
	StartsOn     string        `json:"starts_on"`
	EndsOn       string        `json:"ends_on,omitempty"`
	ReserveFrom  string        `json:"reserve_from,omitempty"`
	ReserveUntil string        `json:"reserve_until,omitempty"`
	Status       string        `json:"status"`
	Version      int           `json:"version"`
	CreatedAt    time.Time     `json:"created_at"`
	UpdatedAt    time.Time     `json:"updated_at"`
}

// ExportedSubscription is the member's subscription to someone's commute.
type ExportedSubscription struct {
	ID        string    `json:"id"`
	SeriesID  string    `json:"series_id"`
	Weekdays  []string  `json:"weekdays"`
	Seats     int       `json:"seats"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ExportedNotification is a message of the member's inbox.
type ExportedNotification struct {
	ID        string     `json:"id"`
	Kind      string     `json:"kind"`
	Title     string     `json:"title"`
	Body      string     `json:"body"`
	Link      string     `json:"link,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
}

// ExportedAuditEntry is an audit line about the member.
type ExportedAuditEntry struct {
	ID          string    `json:"id"`
	At          time.Time `json:"at"`
	ActorID     string    `json:"actor_id,omitempty"`
	Action      string    `json:"action"`
	SubjectType string    `json:"subject_type"`
	SubjectID   string    `json:"subject_id"`
	Detail      string    `json:"detail,omitempty"`
}

func exportPlace(p carpool.Place) ExportedPlace {
	return ExportedPlace{Label: p.Label, Lat: p.Lat, Lon: p.Lon}
}

func exportOptionalPlace(p *carpool.Place) *ExportedPlace {
	if p == nil {
		return nil
	}
	x := exportPlace(*p)
	return &x
}

func exportClock(sr carpool.Series, c carpool.Clock) string {
	if !sr.UsesPoolCar() {
		return ""
	}
	return c.String()
}

func exportRecords[T, X any](in []T, f func(T) X) []X {
	out := make([]X, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

func exportCar(c carpool.Car) ExportedCar {
	return ExportedCar{ID: c.ID, Kind: string(c.Kind), Plate: c.Plate, Make: c.Make, Model: c.Model, Seats: c.Seats,
		Status: string(c.Status), Version: c.Version, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

func exportReservation(r carpool.Reservation) ExportedReservation {
	return ExportedReservation{ID: r.ID, CarID: r.CarID, Kind: string(r.Kind), Start: r.Start, End: r.End,
		Status: string(r.Status), CancelledBy: r.CancelledBy, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func exportRide(r carpool.Ride) ExportedRide {
	return ExportedRide{ID: r.ID, CarID: r.CarID, ReservationID: r.ReservationID, From: exportPlace(r.From), To: exportPlace(r.To),
		DepartAt: r.DepartAt, Seats: r.Seats, SeatsTaken: r.SeatsTaken, BookingMode: string(r.BookingMode), Notes: r.Notes,
		Status: string(r.Status), MaxDetourKM: r.DetourKM, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func exportBooking(b carpool.Booking) ExportedBooking {
	return ExportedBooking{ID: b.ID, RideID: b.RideID, DriverID: b.DriverID, Seats: b.Seats, Status: string(b.Status),
		CancelledBy: b.CancelledBy, Pickup: exportOptionalPlace(b.Pickup), Dropoff: exportOptionalPlace(b.Dropoff),
		CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt}
}

func exportSavedPlace(p carpool.SavedPlace) ExportedSavedPlace {
	return ExportedSavedPlace{ID: p.ID, Name: p.Name, Address: p.Address, Lat: p.Lat, Lon: p.Lon, Version: p.Version,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

func exportSeries(sr carpool.Series) ExportedSeries {
	x := ExportedSeries{ID: sr.ID, CarID: sr.CarID, From: exportPlace(sr.From), To: exportPlace(sr.To),
		Weekdays: sr.Weekdays.Names(), DepartTime: sr.DepartTime.String(), TimeZone: sr.TimeZone, Seats: sr.Seats,
		BookingMode: string(sr.BookingMode), Notes: sr.Notes, StartsOn: sr.StartsOn.String(),
		ReserveFrom: exportClock(sr, sr.ReserveFrom), ReserveUntil: exportClock(sr, sr.ReserveUntil),
		Status: string(sr.Status), Version: sr.Version, CreatedAt: sr.CreatedAt, UpdatedAt: sr.UpdatedAt}
	if !sr.EndsOn.IsZero() {
		x.EndsOn = sr.EndsOn.String()
	}
	return x
}

func exportSubscription(s carpool.Subscription) ExportedSubscription {
	return ExportedSubscription{ID: s.ID, SeriesID: s.SeriesID, Weekdays: s.Weekdays.Names(), Seats: s.Seats,
		Status: string(s.Status), CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
}

func exportNotification(n carpool.Notification) ExportedNotification {
	x := ExportedNotification{ID: n.ID, Kind: n.Kind, Title: n.Title, Body: n.Body, Link: n.Link, CreatedAt: n.CreatedAt}
	if !n.ReadAt.IsZero() {
		x.ReadAt = &n.ReadAt
	}
	return x
}

func exportAuditEntry(e carpool.AuditEntry) ExportedAuditEntry {
	return ExportedAuditEntry{ID: e.ID, At: e.At, ActorID: e.ActorID, Action: e.Action, SubjectType: e.SubjectType,
		SubjectID: e.SubjectID, Detail: e.Detail}
}

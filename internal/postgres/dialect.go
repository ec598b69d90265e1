package postgres

import (
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"carpool/internal/carpool"
)

// dialect tells internal/sqlstore how PostgreSQL differs from SQLite.
type dialect struct{}

func (dialect) Name() string { return "postgres" }

// ForUpdate takes the row lock that serialises concurrent writers of a ride, a car or a
// site across every replica: a second transaction waits at its SELECT until the first
// commits, then reads the committed row. FOR NO KEY UPDATE is the lock PostgreSQL's own
// UPDATE takes when no key changes (ours never change ids): it excludes every other
// writer just as FOR UPDATE does, but not the FOR KEY SHARE that a foreign key check
// takes on the parent row, so inserting a booking or a ride that references a locked
// row waits for nothing and cannot deadlock against the lock holder.
func (dialect) ForUpdate() string { return " FOR NO KEY UPDATE" }

// OutboxLockID is the advisory lock that orders outbox numbering against readers:
// event-writing transactions hold it shared from their first event to their end (the
// trigger outbox_events_number takes it), a reader of events takes it exclusively.
const OutboxLockID int64 = 7311142570157106545 // 'eventseq' in ASCII

// EventFence is run first in the transaction that reads events: the exclusive lock waits
// for every transaction that has drawn an event number to end, and keeps new ones from
// drawing until the read is done, so the read sees only final numbers.
func (dialect) EventFence() string {
	return fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", OutboxLockID)
}

// SQLSTATE codes this package acts on.
const (
	notNullViolation     = "23502"
	foreignKeyViolation  = "23503"
	uniqueViolation      = "23505"
	checkViolation       = "23514"
	exclusionViolation   = "23P01"
	serializationFailure = "40001"
	deadlockDetected     = "40P01"
	// PostgreSQL text holds no NUL character and only valid UTF-8 (SQLite stores
	// either); the domain refuses such text first, so these are a last line.
	characterNotInRepertoire = "22021"
	untranslatableCharacter  = "22P05"
)

// violation is what a named constraint means to a user.
type violation struct {
	field   string
	message carpool.Phrase
}

// constraints names the constraints whose violation a user can cause and says what
// each means; the schema in migrations/ gives them these names. A constraint missing
// here still maps to the right code, with a generic message.
var constraints = map[string]violation{
	"members_email_key":          {"email", carpool.Phrasef("an account with this email exists already")},
	"cars_plate_key":             {"plate", carpool.Phrasef("a car with this plate exists already")},
	"bookings_active_key":        {"", carpool.Phrasef("you already hold an active booking on this ride")},
	"idempotency_keys_pkey":      {"", carpool.Phrasef("this Idempotency-Key is in use")},
	"reservations_no_overlap":    {"", carpool.Phrasef("the car is already reserved for part of this window")},
	"rides_seats_taken_check":    {"seats", carpool.Phrasef("ride is full")},
	"bookings_seats_within_ride": {"seats", carpool.Phrasef("ride is full")},
	"bookings_not_own_ride":      {"", carpool.Phrasef("you cannot book a seat on your own ride")},
	"cars_site_id_fkey":          {"site_id", carpool.Phrasef("site does not exist")},
	"cars_owner_id_fkey":         {"owner_id", carpool.Phrasef("owner does not exist")},
	"reservations_car_id_fkey":   {"car_id", carpool.Phrasef("car does not exist")},
	"rides_car_id_fkey":          {"car_id", carpool.Phrasef("car does not exist")},
	"rides_reservation_id_fkey":  {"reservation_id", carpool.Phrasef("reservation does not exist")},
	"bookings_passenger_id_fkey": {"", carpool.Phrasef("passenger does not exist")},
}

// Translate turns an integrity violation into a domain error by its SQLSTATE, and
// names the field by the violated constraint. Any other error comes back unchanged, so
// Retryable still sees it.
func (dialect) Translate(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	var (
		code     string
		fallback carpool.Phrase
	)
	switch pe.Code {
	case uniqueViolation:
		code, fallback = carpool.ECONFLICT, carpool.Phrasef("the value is already taken")
	case exclusionViolation:
		code, fallback = carpool.ECONFLICT, carpool.Phrasef("the change overlaps an existing record")
	case checkViolation:
		// Values are validated before they reach the database, so a CHECK that fires
		// means the stored state forbids the write: a full ride.
		code, fallback = carpool.ECONFLICT, carpool.Phrasef("the change conflicts with the current state")
	case foreignKeyViolation:
		code, fallback = carpool.EINVALID, carpool.Phrasef("a referenced record does not exist")
	case notNullViolation:
		return carpool.FieldErrorf(carpool.EINVALID, pe.ColumnName, "a required value is missing")
	case characterNotInRepertoire, untranslatableCharacter:
		return carpool.Errorf(carpool.EINVALID, "text must be valid UTF-8 without NUL characters")
	default:
		return err
	}
	if v, ok := constraints[pe.ConstraintName]; ok {
		return carpool.FieldErrorf(code, v.field, "%s", v.message)
	}
	return carpool.Errorf(code, "%s", fallback)
}

// Retryable reports a serialization failure or a deadlock: PostgreSQL rolled the
// transaction back, and running it again from the start may succeed.
func (dialect) Retryable(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	return pe.Code == serializationFailure || pe.Code == deadlockDetected
}

// EpochSeconds is the epoch as a double, so parameters compared with it are inferred as
// doubles too. date_part computes it in floating point; EXTRACT returns numeric since
// PostgreSQL 14, whose arithmetic cost a report a third of its time per row. Both give
// the same double: the microseconds since 1970 divided by 10^6, correctly rounded.
func (dialect) EpochSeconds(expr string) string {
	return "date_part('epoch', " + expr + ")"
}

// departPoint is the departure as a point on a line, as rides_ends_idx (migration 00011)
// indexes it; the expression must match the index's word for word.
const departPoint = "point(EXTRACT(EPOCH FROM (depart_at - TIMESTAMPTZ '1970-01-01 00:00:00+00')), 0)"

// EndsIndex tests the ends and the departure the way rides_ends_idx (a GiST over points,
// migration 00011) answers: a point contained in a box. The departure's box is a second
// wider on each side: seconds with microseconds do not fit a double exactly, and a ride
// leaving on the window's edge must not be lost to rounding (the exact depart_at
// conditions still decide).
func (dialect) EndsIndex(from, to *carpool.Box, after, before time.Time, arg func(any) string) (string, []string) {
	conds := []string{departPoint + " <@ box(point(" + arg(epoch(after)-1) + ", 0), point(" + arg(epoch(before)+1) + ", 0))"}
	for _, end := range []struct {
		prefix string
		box    *carpool.Box
	}{{"from", from}, {"to", to}} {
		if end.box == nil {
			continue
		}
		conds = append(conds, fmt.Sprintf("point(%s_lon, %s_lat) <@ box(point(%s, %s), point(%s, %s))", end.prefix, end.prefix,
			arg(end.box.MinLon), arg(end.box.MinLat), arg(end.box.MaxLon), arg(end.box.MaxLat)))
	}
	return "rides", conds
}

// epoch is t in seconds since 1970, as departPoint computes it.
func epoch(t time.Time) float64 {
	return float64(t.UnixNano()) / float64(time.Second)
}

// InList is "= ANY($n)" over a text array: pgx sends the slice as one text[] parameter.
func (dialect) InList(values []string, arg func(any) string) string {
	return "= ANY(" + arg(values) + "::text[])"
}

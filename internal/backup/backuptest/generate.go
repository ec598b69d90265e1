// Package backuptest fills a migrated carpool database with generated data quickly, for
// backup tests and benchmarks: bulk multi-row INSERTs through the raw pool in one
// transaction, not the Store API one row at a time. The data keeps every rule of the
// schema (no overlapping reservations, seats_taken equal to the confirmed seats) and
// carries the values a backup must not get wrong: unicode and control characters,
// microsecond times, floats with all their digits, NULLs, binary bytes.
package backuptest

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Size says how much to generate. Every ride gets BookingsPerRide bookings.
type Size struct {
	Members int
	Rides   int
}

// BookingsPerRide is how many bookings Generate gives each ride: two confirmed (one and
// two seats), one pending, one cancelled.
const BookingsPerRide = 4

// Bookings returns the number of bookings Generate writes for s.
func (s Size) Bookings() int { return s.Rides * BookingsPerRide }

// ForBookings returns a Size with at least n bookings.
func ForBookings(n int) Size {
	rides := (n + BookingsPerRide - 1) / BookingsPerRide
	return Size{Members: 1000, Rides: rides}
}

// Base is the time generated data starts at; every time has microseconds.
var Base = time.Date(2026, 3, 1, 6, 0, 0, 123456000, time.UTC)

const (
	sites     = 10
	poolCars  = 50
	reserveN  = 20 // reservations per pool car
	tokensN   = 300
	idemKeysN = 300
	auditN    = 200
)

// ID returns the id Generate gives row n of a table (by the table's number), so tests
// can find generated rows.
func ID(table, n int) string { return fmt.Sprintf("%08x%024x", table, n) }

// Table numbers for ID.
const (
	TMembers = iota + 1
	TTokens
	TSites
	TCars
	TReservations
	TRides
	TBookings
	TEvents
	TAudit
)

// Generate writes s's data into db (a migrated, empty carpool database) in one
// transaction. It returns the number of rows it wrote per table.
func Generate(ctx context.Context, db *sql.DB, s Size) (map[string]int64, error) {
	if s.Members < BookingsPerRide+1 {
		return nil, fmt.Errorf("generate: need at least %d members", BookingsPerRide+1)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	defer tx.Rollback()
	counts := map[string]int64{}
	// The SQLite driver binds ? by position, but looks numbered parameters up by name
	// at a cost that grows with their square.
	positional := strings.Contains(fmt.Sprintf("%T", db.Driver()), "sqlite")
	g := &gen{ctx: ctx, tx: tx, counts: counts, positional: positional}
	g.members(s.Members)
	g.tokens(s.Members)
	g.sites()
	g.cars()
	g.reservations(s.Members)
	g.rides(s)
	g.idempotencyKeys()
	g.audit(s.Members)
	if g.err != nil {
		return nil, fmt.Errorf("generate: %w", g.err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("generate: commit: %w", err)
	}
	return counts, nil
}

type gen struct {
	ctx        context.Context
	tx         *sql.Tx
	counts     map[string]int64
	positional bool // ? placeholders rather than $N
	err        error
}

// at returns Base plus minutes and a few microseconds that vary with n.
func at(minutes, n int) time.Time {
	return Base.Add(time.Duration(minutes)*time.Minute + time.Duration(n%997)*time.Microsecond)
}

func (g *gen) members(n int) {
	b := g.bulk("members", "id", "email", "name", "phone", "role", "password_hash", "created_at", "updated_at")
	names := []string{"Zoë Ødegård", `Ann "the driver" O'Neil`, "<b>Bo</b> & co", "Line\nbreak\ttab", "\u2028sep\u2029", "李小龙", "plain"}
	roles := []string{"member", "member", "member", "fleet_manager", "admin"}
	for i := range n {
		phone := ""
		if i%3 == 0 {
			phone = "+49 30 " + strconv.Itoa(1000000+i)
		}
		b.row(ID(TMembers, i), fmt.Sprintf("user%d@example.com", i), names[i%len(names)]+" "+strconv.Itoa(i),
			phone, roles[i%len(roles)], "$argon2id$v=19$m=65536,t=1,p=4$c2FsdA$"+strconv.Itoa(i), at(i, i), at(i+5, i))
	}
	b.done()
}

func (g *gen) tokens(members int) {
	b := g.bulk("tokens", "id", "member_id", "hash", "created_at", "expires_at")
	for i := range tokensN {
		b.row(ID(TTokens, i), ID(TMembers, i%members), fmt.Sprintf("%064x", i), at(i, i), at(i+60*24*30, i))
	}
	b.done()
}

func (g *gen) sites() {
	b := g.bulk("sites", "id", "name", "address", "lat", "lon", "version", "created_at", "updated_at")
	for i := range sites {
		b.row(ID(TSites, i), "Site "+strconv.Itoa(i), "Straße "+strconv.Itoa(i)+", Berlin",
			52.520008+float64(i)*0.0123456789012345, 13.404954-float64(i)*0.0987654321098765, 1+i%3, at(i, i), at(i, i))
	}
	b.done()
}

func (g *gen) cars() {
	b := g.bulk("cars", "id", "kind", "plate", "make", "model", "seats", "site_id", "owner_id", "status", "version", "created_at", "updated_at")
	statuses := []string{"active", "active", "active", "maintenance", "retired"}
	for i := range poolCars {
		b.row(ID(TCars, i), "pool", fmt.Sprintf("B-CP %d", i), "VW", "ID.3", 4+i%5, ID(TSites, i%sites), nil,
			statuses[i%len(statuses)], 1, at(i, i), at(i, i))
	}
	b.done()
}

func (g *gen) reservations(members int) {
	b := g.bulk("reservations", "id", "car_id", "member_id", "kind", "starts_at", "ends_at", "status", "cancelled_by", "created_at", "updated_at")
	for c := range poolCars {
		for j := range reserveN {
			n := c*reserveN + j
			status, cancelledBy := "active", any(nil)
			if j%4 == 3 {
				status, cancelledBy = "cancelled", ID(TMembers, n%members)
			}
			kind := "trip"
			if j%7 == 6 {
				kind = "maintenance"
			}
			// Windows of one car follow each other and never overlap.
			b.row(ID(TReservations, n), ID(TCars, c), ID(TMembers, n%members), kind,
				at(j*180, n), at(j*180+120, n), status, cancelledBy, at(0, n), at(1, n))
		}
	}
	b.done()
}

// rides writes the rides with their bookings and one outbox event each.
func (g *gen) rides(s Size) {
	rides := g.bulk("rides", "id", "driver_id", "car_id", "reservation_id", "from_label", "from_lat", "from_lon",
		"to_label", "to_lat", "to_lon", "depart_at", "seats", "seats_taken", "booking_mode", "notes", "status",
		"version", "created_at", "updated_at")
	for i := range s.Rides {
		var reservation any
		if i < poolCars*reserveN && i%4 != 3 { // active reservations only
			reservation = ID(TReservations, i)
		}
		mode, notes, status := "instant", "", "open"
		if i%2 == 1 {
			mode = "approval"
		}
		if i%5 == 0 {
			notes = "Bring coffee ☕ — \"no\" smoking\n"
		}
		if i%11 == 0 {
			status = "cancelled"
		}
		rides.row(ID(TRides, i), ID(TMembers, i%s.Members), ID(TCars, i%poolCars), reservation,
			"From "+strconv.Itoa(i), 52.5+float64(i%1000)*1e-4+1e-13, 13.4-float64(i%700)*1e-4,
			"To "+strconv.Itoa(i), 48.137154+float64(i%900)*1e-5, 11.576124,
			at(60*24+i, i), 3+i%5, 3, mode, notes, status, 1+i%4, at(i, i), at(i+1, i))
	}
	rides.done()

	bookings := g.bulk("bookings", "id", "ride_id", "driver_id", "passenger_id", "seats", "status", "cancelled_by", "created_at", "updated_at")
	statuses := [BookingsPerRide]string{"confirmed", "confirmed", "pending", "cancelled"}
	seats := [BookingsPerRide]int{1, 2, 1, 1}
	for i := range s.Rides {
		driver := i % s.Members
		for k := range BookingsPerRide {
			passenger := (driver + 1 + k) % s.Members
			var cancelledBy any
			if statuses[k] == "cancelled" {
				cancelledBy = ID(TMembers, passenger)
			}
			bookings.row(ID(TBookings, i*BookingsPerRide+k), ID(TRides, i), ID(TMembers, driver), ID(TMembers, passenger),
				seats[k], statuses[k], cancelledBy, at(i+k, i), at(i+k+1, i))
		}
	}
	bookings.done()

	// Every third ride was checked in on by its driver and first passenger: the check-ins
	// and a class C proof record, the fields a restore must keep to the digit.
	checkIns := g.bulk("ride_check_ins", "ride_id", "member_id", "at", "lat", "lon", "method", "site_id")
	proofs := g.bulk("proof_records", "ride_id", "passenger_id", "driver_id", "booking_id", "on_date", "sealed_at", "class", "seats",
		"start_at", "start_lat", "start_lon", "end_at", "end_lat", "end_lon", "distance_m",
		"driver_at", "driver_lat", "driver_lon", "driver_method", "driver_site_id",
		"passenger_at", "passenger_lat", "passenger_lon", "passenger_method", "passenger_site_id",
		"no_show_at", "created_at", "updated_at")
	for i := 0; i < s.Rides; i += 3 {
		driver, passenger := i%s.Members, (i%s.Members+1)%s.Members
		lat, lon := 52.5+float64(i%1000)*1e-4+1e-13, 13.4-float64(i%700)*1e-4
		checkIns.row(ID(TRides, i), ID(TMembers, driver), at(60*24+i-5, i), lat, lon, "position", nil)
		checkIns.row(ID(TRides, i), ID(TMembers, passenger), at(60*24+i-3, i), lat+1e-5, lon, "position", nil)
		proofs.row(ID(TRides, i), ID(TMembers, passenger), ID(TMembers, driver), ID(TBookings, i*BookingsPerRide),
			at(60*24+i, i).Format("2006-01-02"), at(60*48+i, i), "C", 1,
			at(60*24+i, i), lat, lon, at(60*24+i+30, i), 48.137154+float64(i%900)*1e-5, 11.576124, 21345+i,
			at(60*24+i-5, i), lat, lon, "position", nil,
			at(60*24+i-3, i), lat+1e-5, lon, "position", nil,
			nil, at(60*24+i-3, i), at(60*24+i-3, i))
	}
	checkIns.done()
	proofs.done()

	events := g.bulk("outbox_events", "id", "type", "subject_id", "recipient_id", "payload", "created_at")
	for i := range s.Rides {
		events.row(ID(TEvents, i), "booking.confirmed", ID(TBookings, i*BookingsPerRide), ID(TMembers, i%s.Members),
			fmt.Sprintf(`{"ride_id":%q,"seats":1,"note":"ü <&>"}`, ID(TRides, i)), at(i, i))
	}
	events.done()
}

func (g *gen) idempotencyKeys() {
	b := g.bulk("idempotency_keys", "scope", "idem_key", "request_hash", "status", "location", "body", "created_at")
	for i := range idemKeysN {
		var body any
		if i%3 != 0 {
			raw := make([]byte, 16+i%50)
			for j := range raw {
				raw[j] = byte(i*31 + j*7) // every byte value, NUL and invalid UTF-8 included
			}
			body = raw
		}
		b.row("member:"+ID(TMembers, i%7)+" Ünïcode", fmt.Sprintf("key-%d-%s", i, strings.Repeat("x", i%5)),
			fmt.Sprintf("%064x", i*7), 201, "/api/v1/rides/"+ID(TRides, i), body, at(i, i))
	}
	b.done()
}

// audit writes audit entries, some by the command line (no actor), some deactivations
// of generated members.
func (g *gen) audit(members int) {
	b := g.bulk("audit_log", "id", "at", "actor_id", "action", "subject_type", "subject_id", "detail")
	actions := []string{"member.role_changed", "member.deactivated", "car.retired", "site.changed"}
	for i := range auditN {
		actor := ""
		if i%5 != 0 {
			actor = ID(TMembers, i%members)
		}
		b.row(ID(TAudit, i), at(i, i), actor, actions[i%len(actions)], "member", ID(TMembers, (i*7)%members),
			fmt.Sprintf("detail %d: ünïcode, \"quotes\"", i))
	}
	b.done()
	// A few members were deactivated.
	for i := 0; i < members && g.err == nil; i += 97 {
		_, g.err = g.tx.ExecContext(g.ctx, "UPDATE members SET deactivated_at = $1 WHERE id = $2", at(i+10, i), ID(TMembers, i))
	}
}

// bulkInsert collects rows of one table and writes them in multi-row INSERTs.
type bulkInsert struct {
	g      *gen
	table  string
	cols   []string
	args   []any
	rows   int
	prefix string
}

// batch is how many rows go into one INSERT; 100 rows of the widest table (rides, 19
// columns) stay far below both engines' limit on parameters.
const batch = 100

func (g *gen) bulk(table string, cols ...string) *bulkInsert {
	return &bulkInsert{g: g, table: table, cols: cols,
		prefix: "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES "}
}

func (b *bulkInsert) row(vals ...any) {
	if len(vals) != len(b.cols) {
		panic(fmt.Sprintf("backuptest: %s row has %d values for %d columns", b.table, len(vals), len(b.cols)))
	}
	b.args = append(b.args, vals...)
	b.rows++
	b.g.counts[b.table]++
	if b.rows == batch {
		b.flush()
	}
}

func (b *bulkInsert) done() { b.flush() }

func (b *bulkInsert) flush() {
	if b.rows == 0 || b.g.err != nil {
		b.args, b.rows = b.args[:0], 0
		return
	}
	var q strings.Builder
	q.WriteString(b.prefix)
	p := 1
	for r := range b.rows {
		if r > 0 {
			q.WriteString(", ")
		}
		q.WriteByte('(')
		for c := range b.cols {
			if c > 0 {
				q.WriteString(", ")
			}
			if b.g.positional {
				q.WriteByte('?')
			} else {
				q.WriteString("$" + strconv.Itoa(p))
			}
			p++
		}
		q.WriteByte(')')
	}
	if _, err := b.g.tx.ExecContext(b.g.ctx, q.String(), b.args...); err != nil {
		b.g.err = fmt.Errorf("insert into %s: %w", b.table, err)
	}
	b.args, b.rows = b.args[:0], 0
}

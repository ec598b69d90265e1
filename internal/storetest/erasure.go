package storetest

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/sqlstore"
)

// testAdministration covers role changes, deactivation and erasure: the rules (admins
// only, never the last admin), what a deactivation releases, and that an erased member's
// personal data is in no column of any table afterwards, while the other people's rides
// and bookings are as they were.
func testAdministration(t *testing.T, open func(t *testing.T) carpool.Store) {
	t.Run("last admin", func(t *testing.T) {
		e := newEnv(t, open)
		admin := e.member(carpool.RoleAdmin)
		member := e.member(carpool.RoleMember)
		_, err := e.f.SetRole(e.ctx, admin.ID, carpool.RoleMember, admin)
		wantCode(t, err, carpool.ECONFLICT, "role")
		_, err = e.f.DeactivateMember(e.ctx, admin.ID, admin)
		wantCode(t, err, carpool.ECONFLICT, "")
		wantCode(t, e.f.EraseMember(e.ctx, admin.ID, admin), carpool.ECONFLICT, "")
		_, err = e.f.SetRole(e.ctx, admin.ID, carpool.RoleMember, member)
		wantCode(t, err, carpool.EFORBIDDEN, "")
		second, err := e.f.SetRole(e.ctx, member.ID, carpool.RoleAdmin, admin)
		noErr(t, err, "promote")
		_, err = e.f.SetRole(e.ctx, admin.ID, carpool.RoleMember, second)
		noErr(t, err, "demote the first admin once there is a second")
	})

	t.Run("erasure leaves no personal data and keeps shared history", func(t *testing.T) {
		e := newEnv(t, open)
		admin := e.member(carpool.RoleAdmin)
		gone := e.member(carpool.RoleMember)
		other := e.member(carpool.RoleMember)
		// A name and phone nobody else in the store has, to look for afterwards.
		name, phone := "Gone Person "+unique(), "+49 30 "+unique()
		gone, err := NewFlows(e.s).ChangeMember(e.ctx, gone.ID, func(m *carpool.Member) error {
			m.Name, m.Phone, m.PasswordHash = name, phone, "$argon2id$"+unique()
			return nil
		})
		noErr(t, err, "profile")
		// The member drives a ride the other booked, books the other's ride, owns a car.
		theirs := e.ride(gone, 2, carpool.BookingInstant)
		kept := e.book(theirs, other, 1, false)
		ride := e.ride(other, 2, carpool.BookingInstant)
		e.book(ride, gone, 1, false)
		token, _, err := carpool.NewToken(gone.ID, e.now)
		noErr(t, err, "token")
		noErr(t, e.s.CreateToken(e.ctx, token), "create token")
		// Stored answers: one to the member's own request, one to their sign-up.
		for _, scope := range []string{gone.ID, ""} {
			rec := carpool.IdempotencyRecord{Scope: scope, Key: "k" + unique(), RequestHash: "h", CreatedAt: e.now}
			_, _, err := e.s.ReserveIdempotencyKey(e.ctx, rec)
			noErr(t, err, "reserve key")
			rec.Status, rec.Body = 201, []byte(`{"email":"`+gone.Email+`","name":"`+name+`"}`)
			noErr(t, e.s.CompleteIdempotencyKey(e.ctx, rec), "complete key")
		}

		// An address change waiting for its confirmation names a new address.
		nextEmail := "next-" + unique() + "@example.org"
		link, _, err := carpool.NewAccountLink(carpool.LinkEmailChange, gone.ID, nextEmail, e.now)
		noErr(t, err, "link")
		noErr(t, e.s.CreateAccountLink(e.ctx, link), "create link")

		noErr(t, e.f.EraseMember(e.ctx, gone.ID, admin), "erase")

		db := e.raw()
		for _, value := range []string{gone.Email, name, phone, gone.PasswordHash, token.Hash, nextEmail, link.Hash} {
			if hits := ScanTables(t, db, value); len(hits) > 0 {
				t.Errorf("after erasure %q is still in %v", value, hits)
			}
		}
		m, err := e.s.Member(e.ctx, gone.ID)
		noErr(t, err, "erased member")
		if m.Name != carpool.ErasedName || m.Phone != "" || m.PasswordHash != "" || m.Active() {
			t.Errorf("erased member: got %+v", m)
		}
		if got := e.booking(kept.ID); got.Status != carpool.BookingCancelled {
			t.Errorf("the other's booking on the erased driver's future ride: got %s, want cancelled", got.Status)
		}
		if got := e.rideNow(ride.ID); got.Status != carpool.RideOpen || got.DriverID != other.ID {
			t.Errorf("the other's own ride: got %+v, want it open and theirs", got)
		}
		if _, _, err := e.s.MemberByToken(e.ctx, token.Hash, e.now); carpool.ErrorCode(err) != carpool.EUNAUTHORIZED {
			t.Errorf("the erased member's token: got %v, want EUNAUTHORIZED", err)
		}
	})
}

// ScanTables returns "table.column" for every text column of every table of
// sqlstore.Tables holding value (compared case-insensitively): the check that an
// erasure left nothing of a person behind, in a store or in a restored backup.
func ScanTables(t testing.TB, db *sql.DB, value string) []string {
	t.Helper()
	var hits []string
	for _, table := range sqlstore.Tables {
		rows, err := db.Query(`SELECT * FROM ` + table)
		if err != nil {
			t.Fatalf("scan %s: %v", table, err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("scan %s: %v", table, err)
			}
			for i, v := range vals {
				var s string
				switch v := v.(type) {
				case string:
					s = v
				case []byte:
					s = string(v)
				case time.Time, nil, int64, float64, bool:
					continue
				default:
					s = fmt.Sprint(v)
				}
				if strings.Contains(strings.ToLower(s), strings.ToLower(value)) {
					hits = append(hits, table+"."+cols[i])
				}
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return hits
}

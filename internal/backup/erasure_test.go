package backup_test

import (
	"context"
	"testing"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/storetest"
)

// TestErasureSurvivesBackup erases a member and then backs the database up and restores
// it, into each engine: the restored database holds none of the member's personal data
// either, since a backup is a copy of what is there and nothing else.
func TestErasureSurvivesBackup(t *testing.T) {
	ctx := context.Background()
	src := mustOpenSQLite(t)
	now := carpool.Timestamp(time.Now())
	member := func(email, name, phone, hash string, role carpool.Role) carpool.Member {
		m := carpool.Member{ID: carpool.NewID(), Email: email, Name: name, Phone: phone, Role: role,
			PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
		if err := src.CreateMember(ctx, m); err != nil {
			t.Fatalf("create member: %v", err)
		}
		return m
	}
	admin := member("admin@example.com", "Ada Admin", "", "$argon2id$admin", carpool.RoleAdmin)
	gone := member("gwen.gone@example.com", "Gwen Goneaway", "+49 30 5550199", "$argon2id$gwen-secret-hash", carpool.RoleMember)

	token, _, err := carpool.NewToken(gone.ID, now)
	must(t, err)
	must(t, src.CreateToken(ctx, token))
	link, _, err := carpool.NewAccountLink(carpool.LinkEmailChange, gone.ID, "gwen.private@example.org", now)
	must(t, err)
	must(t, src.CreateAccountLink(ctx, link))
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: "B GW 4711", Make: "Fiat", Model: "Gwenmobile",
		Seats: 4, OwnerID: gone.ID, Status: carpool.CarActive, Version: 1, CreatedAt: now, UpdatedAt: now}
	must(t, src.CreateCar(ctx, car))
	// The stored answer to her sign-up holds her address and name.
	rec := carpool.IdempotencyRecord{Key: "signup-1", RequestHash: "h", CreatedAt: now}
	_, _, err = src.ReserveIdempotencyKey(ctx, rec)
	must(t, err)
	rec.Status, rec.Body = 201, []byte(`{"email":"`+gone.Email+`","name":"`+gone.Name+`"}`)
	must(t, src.CompleteIdempotencyKey(ctx, rec))

	// She offers a ride and writes in its thread where she waits.
	ride, err := storetest.NewFlows(src).CreateRide(ctx, carpool.RideInput{CarID: car.ID, Seats: 2, BookingMode: carpool.BookingInstant,
		From: carpool.Place{Label: "Depot", Lat: 52.5, Lon: 13.4}, To: carpool.Place{Label: "Campus", Lat: 52.4, Lon: 13.1},
		DepartAt: now.Add(48 * time.Hour)}, gone)
	must(t, err)
	const words = "Gwen wartet an Tor 2"
	_, err = app.New(src, app.Options{}).PostMessage(ctx, gone, ride.ID, carpool.MessageInput{Body: words})
	must(t, err)

	must(t, storetest.NewFlows(src).EraseMember(ctx, gone.ID, admin))
	archive, _ := mustBackup(t, src)

	personal := []string{gone.Email, gone.Name, gone.Phone, gone.PasswordHash, token.Hash, link.Email, link.Hash, car.Plate, car.Model, words}
	for _, e := range engines {
		t.Run(e.name, func(t *testing.T) {
			dst := e.open(t)
			mustRestore(t, archive, dst)
			for _, value := range personal {
				if hits := storetest.ScanTables(t, dst.DB(), value); len(hits) > 0 {
					t.Errorf("restored database: %q is in %v", value, hits)
				}
			}
			// Others' data came through.
			if hits := storetest.ScanTables(t, dst.DB(), admin.Email); len(hits) == 0 {
				t.Errorf("restored database: the admin's address is missing")
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

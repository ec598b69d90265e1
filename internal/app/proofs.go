package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// Proof of carpooling for fleet managers: the records of a period, and the same as
// journeys in the field names of the French proof-of-carpooling register, to hand in
// as a file. carpool never sends them anywhere.

// MaxProofSpan is the longest period one request of proofs may cover: a year of
// records of a large company is what an export is for.
const MaxProofSpan = 366 * 24 * time.Hour

// Proofs returns the proof records of the journeys starting from..to (fleet managers
// and admins). The records of rides whose check-in closed without anyone checking in
// are written first (class A: carpool matched them), so every shared trip has one.
func (a *App) Proofs(ctx context.Context, me carpool.Member, from, to time.Time) ([]carpool.Proof, error) {
	if err := RequireFleet(me, carpool.Phrasef("read proofs of carpooling")); err != nil {
		return nil, err
	}
	if err := checkSpan(from, to); err != nil {
		return nil, err
	}
	if err := a.proveClosedRides(ctx, from, to); err != nil {
		return nil, fmt.Errorf("proofs: %w", err)
	}
	out, err := a.store.Proofs(ctx, from, to)
	if err != nil {
		return nil, fmt.Errorf("proofs: %w", err)
	}
	return out, nil
}

func checkSpan(from, to time.Time) error {
	var errs []error
	if from.IsZero() {
		errs = append(errs, carpool.Required("from"))
	}
	if to.IsZero() {
		errs = append(errs, carpool.Required("to"))
	}
	if len(errs) > 0 {
		return carpool.JoinInvalid(errs...)
	}
	if !to.After(from) {
		return carpool.FieldErrorf(carpool.EINVALID, "to", "to must be after from")
	}
	if to.Sub(from) > MaxProofSpan {
		return carpool.FieldErrorf(carpool.EINVALID, "to", "from and to may be at most 366 days apart")
	}
	return nil
}

// proveClosedRides writes the records of the rides of the period whose check-in has
// closed and that have none yet, one ride per transaction.
func (a *App) proveClosedRides(ctx context.Context, from, to time.Time) error {
	var ids []string
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		var err error
		ids, err = tx.UnprovenRides(ctx, from, to, tx.Now())
		return err
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		err := a.store.InTx(ctx, func(tx carpool.Tx) error {
			pb, err := tx.LoadProofBook(ctx, id)
			if err != nil {
				return err
			}
			pb.Zone = a.proofZone()
			pb.Refresh(tx.Now())
			return tx.SaveProofBook(ctx, pb)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// RegisterJourney is one proof record in the field names of the register's journey
// API (v3): a file for the employer to hand in, never sent by carpool.
type RegisterJourney struct {
	OperatorJourneyID string            `json:"operator_journey_id"`
	OperatorTripID    string            `json:"operator_trip_id"`
	OperatorClass     string            `json:"operator_class"`
	Start             RegisterPoint     `json:"start"`
	End               RegisterPoint     `json:"end"`
	Distance          int               `json:"distance"`
	Driver            RegisterOccupant  `json:"driver"`
	Passenger         RegisterPassenger `json:"passenger"`
}

// RegisterPoint is where and when a journey started or ended.
type RegisterPoint struct {
	Datetime time.Time `json:"datetime"`
	Lat      float64   `json:"lat"`
	Lon      float64   `json:"lon"`
}

// RegisterOccupant names an occupant as the register knows people: carpool's id and
// a key that hides it.
type RegisterOccupant struct {
	Identity RegisterIdentity `json:"identity"`
}

// RegisterPassenger is the passenger with the seats they took.
type RegisterPassenger struct {
	Identity RegisterIdentity `json:"identity"`
	Seats    int              `json:"seats"`
}

// RegisterIdentity is an occupant's identity in the export.
type RegisterIdentity struct {
	OperatorUserID string `json:"operator_user_id"`
	// IdentityKey is the hex HMAC-SHA-256 of the member's id under the deployment's
	// check-in secret: stable for one person across exports, and saying nothing about
	// them to whoever lacks the secret.
	IdentityKey string `json:"identity_key"`
}

// ProofExport returns the records of from..to that prove a shared trip (classes A, B
// and C; never a no-show) as register journeys (fleet managers and admins).
func (a *App) ProofExport(ctx context.Context, me carpool.Member, from, to time.Time) ([]RegisterJourney, error) {
	proofs, err := a.Proofs(ctx, me, from, to)
	if err != nil {
		return nil, err
	}
	out := []RegisterJourney{}
	for _, p := range proofs {
		if p.Class == carpool.ProofNoShow {
			continue
		}
		out = append(out, RegisterJourney{
			OperatorJourneyID: p.RideID + "-" + p.PassengerID, OperatorTripID: p.RideID, OperatorClass: string(p.Class),
			Start:     RegisterPoint{Datetime: p.Start.At.UTC(), Lat: p.Start.Lat, Lon: p.Start.Lon},
			End:       RegisterPoint{Datetime: p.End.At.UTC(), Lat: p.End.Lat, Lon: p.End.Lon},
			Distance:  p.DistanceM,
			Driver:    RegisterOccupant{Identity: a.identity(p.DriverID)},
			Passenger: RegisterPassenger{Identity: a.identity(p.PassengerID), Seats: p.Seats},
		})
	}
	return out, nil
}

func (a *App) identity(memberID string) RegisterIdentity {
	mac := hmac.New(sha256.New, a.siteCodes.Secret)
	mac.Write([]byte("carpool identity key v1\x00" + memberID))
	return RegisterIdentity{OperatorUserID: memberID, IdentityKey: hex.EncodeToString(mac.Sum(nil))}
}

// SiteCode returns today's check-in code of a site, in the site's zone, for the page
// fleet managers print and put up at the site.
func (a *App) SiteCode(ctx context.Context, me carpool.Member, siteID string) (carpool.Site, carpool.Date, string, error) {
	if err := RequireFleet(me, carpool.Phrasef("show a site's check-in code")); err != nil {
		return carpool.Site{}, carpool.Date{}, "", err
	}
	site, err := a.store.Site(ctx, siteID)
	if err != nil {
		return carpool.Site{}, carpool.Date{}, "", err
	}
	day := carpool.DateOf(a.Now().In(a.parking.SiteZone(site)))
	return site, day, a.siteCodes.Code(site.ID, day), nil
}

// verifyCode checks a scanned code and returns its site.
func (a *App) verifyCode(ctx context.Context, code string) (carpool.Site, error) {
	var site carpool.Site
	_, err := a.siteCodes.Verify(code, a.Now(), func(id string) (*time.Location, error) {
		s, err := a.store.Site(ctx, id)
		if err != nil {
			return nil, carpool.FieldErrorf(carpool.EINVALID, "code", "the check-in code is not valid")
		}
		site = s
		return a.parking.SiteZone(s), nil
	})
	return site, err
}

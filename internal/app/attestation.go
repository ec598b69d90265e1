package app

import (
	"context"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// Attestation is a member's monthly record of shared trips, printable as a
// certificate: each proven trip (a proof record of class A, B or C whose day is over),
// the kilometres and the CO₂ avoided, counted with the factor the reports use.
type Attestation struct {
	Member     carpool.Member
	Month      time.Time // the first instant of the month, in zone
	Trips      []AttestedTrip
	KM         float64
	AvoidedKG  float64
	IssuedAt   time.Time
	Zone       *time.Location
	KGPerCarKM float64
}

// AttestedTrip is one shared trip of the attestation.
type AttestedTrip struct {
	Day    carpool.Date
	Driver bool // the member drove; otherwise they rode along
	Class  carpool.ProofClass
	KM     float64
	Seats  int
}

// MonthAttestation returns my attestation of the month starting at month (its first
// day, in zone). Only days that are over count: a trip is attested once its record is
// final.
func (a *App) MonthAttestation(ctx context.Context, me carpool.Member, month time.Time, zone *time.Location) (Attestation, error) {
	from := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, zone)
	to := from.AddDate(0, 1, 0)
	if err := a.proveClosedRides(ctx, from, to); err != nil {
		return Attestation{}, fmt.Errorf("attestation: %w", err)
	}
	proofs, err := a.store.MemberProofs(ctx, me.ID)
	if err != nil {
		return Attestation{}, fmt.Errorf("attestation: %w", err)
	}
	now := a.Now()
	out := Attestation{Member: me, Month: from, IssuedAt: now, Zone: zone, KGPerCarKM: float64(a.co2)}
	var passengerKM float64
	for _, p := range proofs {
		if p.Class == carpool.ProofNoShow || !p.Sealed(now) || p.Start.At.Before(from) || !p.Start.At.Before(to) {
			continue
		}
		km := float64(p.DistanceM) / 1000
		out.Trips = append(out.Trips, AttestedTrip{Day: p.Day, Driver: p.DriverID == me.ID, Class: p.Class, KM: km, Seats: p.Seats})
		out.KM += km
		// The reports' rule: every passenger-kilometre is a car-kilometre not driven.
		passengerKM += km * float64(p.Seats)
	}
	out.AvoidedKG = a.co2.AvoidedKG(passengerKM)
	return out, nil
}

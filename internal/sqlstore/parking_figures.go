package sqlstore

import (
	"context"
	"fmt"

	"carpool/internal/carpool"
)

// ParkingFigures counts the claims of each site and day: those holding a space, and
// those that wait (ended carpools drop their claim, so a claim left without a space is
// a carpool that found none). Days are text 'YYYY-MM-DD', so they compare in order.
func (s *Store) ParkingFigures(ctx context.Context, siteID string, from, to carpool.Date) ([]carpool.ParkingDayFigures, error) {
	var a args
	conds := []string{"on_date >= " + a.add(from.String()), "on_date <= " + a.add(to.String())}
	if siteID != "" {
		if !knownIDs(siteID) {
			return nil, nil
		}
		conds = append(conds, "site_id = "+a.add(siteID))
	}
	rows, err := s.read().QueryContext(ctx, `SELECT site_id, on_date, COUNT(space_id), COUNT(*) - COUNT(space_id)
		FROM parking_claims`+where(conds)+` GROUP BY site_id, on_date ORDER BY on_date, site_id`, a...)
	if err != nil {
		return nil, fmt.Errorf("parking figures: %w", err)
	}
	return collect(rows, func(r rowScanner) (carpool.ParkingDayFigures, error) {
		var f carpool.ParkingDayFigures
		err := r.Scan(&f.SiteID, dateCol{&f.Day}, &f.Used, &f.NoSpace)
		return f, err
	})
}

// ProofClasses counts the proof records of the days from..to by class.
func (s *Store) ProofClasses(ctx context.Context, from, to carpool.Date) (carpool.ProofClassCounts, error) {
	rows, err := s.read().QueryContext(ctx, `SELECT class, COUNT(*) FROM proof_records
		WHERE on_date >= $1 AND on_date <= $2 GROUP BY class`, from.String(), to.String())
	if err != nil {
		return carpool.ProofClassCounts{}, fmt.Errorf("proof classes: %w", err)
	}
	type count struct {
		class carpool.ProofClass
		n     int
	}
	counts, err := collect(rows, func(r rowScanner) (count, error) {
		var c count
		err := r.Scan(&c.class, &c.n)
		return c, err
	})
	if err != nil {
		return carpool.ProofClassCounts{}, fmt.Errorf("proof classes: %w", err)
	}
	var out carpool.ProofClassCounts
	for _, c := range counts {
		switch c.class {
		case carpool.ProofA:
			out.A = c.n
		case carpool.ProofB:
			out.B = c.n
		case carpool.ProofC:
			out.C = c.n
		case carpool.ProofNoShow:
			out.None = c.n
		}
	}
	return out, nil
}

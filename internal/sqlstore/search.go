package sqlstore

import (
	"context"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// corridorCols hold carpool.Ride.Corridor, written with the ride and read only by the
// route search's WHERE.
const corridorCols = "corridor_min_lat, corridor_max_lat, corridor_min_lon, corridor_max_lon"

// searchCandidates caps how many rides the SQL pre-selection hands to the exact ranking.
// The pre-selection already applies every filter except the exact distance, so the cap
// only bites when thousands of rides leave in the window from one small area; then the
// candidates nearest the wished time are kept.
const searchCandidates = 2000

// SearchRides returns the rides matching a normalised query, ranked by q.Rank, at most
// limit after offset. The SQL narrows by status, departure window, free seats and the
// bounding boxes of both ends (through the engine's spatial index, Dialect.EndsIndex) or
// the corridor; the exact haversine test and the ranking are the domain's.
func (s *Store) SearchRides(ctx context.Context, q carpool.RideQuery, offset, limit int) ([]carpool.RideMatch, error) {
	wished := q.DepartAfter.Add(q.DepartBefore.Sub(q.DepartAfter) / 2)
	// The ranking favours departures near the middle of the window, so when there are
	// more candidates than the cap, keep those nearest to it: half from each side.
	later, err := s.searchSide(ctx, q, "depart_at >= ", wished, " ORDER BY depart_at, id")
	if err != nil {
		return nil, err
	}
	earlier, err := s.searchSide(ctx, q, "depart_at < ", wished, " ORDER BY depart_at DESC, id")
	if err != nil {
		return nil, err
	}
	rides := append(later, earlier...)
	matches := q.Rank(rides)
	if offset < 0 {
		offset = 0
	}
	if offset >= len(matches) {
		return []carpool.RideMatch{}, nil
	}
	matches = matches[offset:]
	if limit > 0 && limit < len(matches) {
		matches = matches[:limit]
	}
	return matches, nil
}

// searchSide pre-selects candidates on one side of the wished departure, at most half
// the cap, ordered away from it.
func (s *Store) searchSide(ctx context.Context, q carpool.RideQuery, side string, wished time.Time, order string) ([]carpool.Ride, error) {
	var a args
	conds := []string{
		"status = 'open'",
		"depart_at >= " + a.add(ts(q.DepartAfter)),
		"depart_at <= " + a.add(ts(q.DepartBefore)),
		side + a.add(ts(wished)),
	}
	if q.Full {
		conds = append(conds, "seats - seats_taken < "+a.add(max(q.Seats, 1)))
	} else {
		conds = append(conds, "seats - seats_taken >= "+a.add(max(q.Seats, 1)))
	}
	if q.Shared {
		// In the SQL, not after it, so a page of shared rides is a full page.
		conds = append(conds, sharedBy("rides"))
	}
	table := "rides"
	box := func(prefix string, p *carpool.Point) *carpool.Box {
		if p == nil {
			return nil
		}
		b := carpool.BoundingBox(*p, q.RadiusKM)
		conds = append(conds,
			prefix+"_lat BETWEEN "+a.add(b.MinLat)+" AND "+a.add(b.MaxLat),
			prefix+"_lon BETWEEN "+a.add(b.MinLon)+" AND "+a.add(b.MaxLon))
		return &b
	}
	if q.Route {
		// The ride's corridor holds every pickup and drop-off its budget allows
		// (carpool.Ride.Corridor), so a ride whose corridor misses either end cannot match.
		// rides_corridor_idx serves the window and these tests from its entries.
		for _, p := range []*carpool.Point{q.From, q.To} {
			lat, lon := a.add(p.Lat), a.add(p.Lon)
			conds = append(conds,
				"corridor_min_lat <= "+lat, "corridor_max_lat >= "+lat,
				"corridor_min_lon <= "+lon, "corridor_max_lon >= "+lon)
		}
	} else {
		from, to := box("from", q.From), box("to", q.To)
		if from != nil || to != nil {
			// The engine's spatial index over the ends (migration 00011) reads the few
			// rides near them; the BETWEEN conditions above stay and decide exactly.
			var extra []string
			table, extra = s.dialect.EndsIndex(from, to, q.DepartAfter, q.DepartBefore, a.add)
			conds = append(conds, extra...)
		}
	}
	rows, err := s.read().QueryContext(ctx, `SELECT `+rideCols+` FROM `+table+where(conds)+order+` LIMIT `+a.add(searchCandidates/2), a...)
	if err != nil {
		return nil, fmt.Errorf("search rides: %w", err)
	}
	rides, err := collect(rows, scanRide)
	if err != nil {
		return nil, fmt.Errorf("search rides: %w", err)
	}
	return rides, nil
}

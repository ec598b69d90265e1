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

// maxPageReadWhole bounds the pages whose candidates a search first tries to read whole
// (see SearchRides).
const maxPageReadWhole = 64

// SearchRides returns the rides matching a normalised query, ranked by q.Rank, at most
// limit after offset. The SQL narrows by status, departure window, free seats and the
// bounding boxes of both ends (through the engine's spatial index, Dialect.EndsIndex) or
// the corridor; the exact haversine test and the ranking are the domain's.
//
// When every candidate fits in the page (offset and limit), the candidates are read whole
// in one query, and that reading is ranked and paged: most searches are such (7.5
// results on average over the benchmark's 10k mix of commutes and single rides, against
// pages of 20). Otherwise that query stops one row past the page, and the candidates are
// read with only the columns the ranking looks at (rankCols): most of them are ranked
// out, and reading every column of each cost more than the ranking (labels, notes and
// timestamps to decode). Only the page's rides are then read whole, by id. Should one of
// them have changed in between so that it might rank differently, the search runs again
// reading every column at once, so a page is always the ranking of one reading of the
// rides. The first query is bounded by the page, not by a constant: when it overflows,
// its rows are wasted, and over 100k rides, where most searches fill a page, a bound of
// 64 rows cost more than the second read it saved elsewhere.
func (s *Store) SearchRides(ctx context.Context, q carpool.RideQuery, offset, limit int) ([]carpool.RideMatch, error) {
	if offset < 0 {
		offset = 0
	}
	if fits := offset + limit; limit > 0 && fits <= maxPageReadWhole {
		all, err := s.searchSide(ctx, q, rideCols, scanRide, "", time.Time{}, "", fits+1)
		if err != nil {
			return nil, err
		}
		if len(all) <= fits {
			return page(q.Rank(all), offset, limit), nil
		}
	}
	matches, err := s.rankCandidates(ctx, q, rankCols, scanRankedRide)
	if err != nil {
		return nil, err
	}
	matches = page(matches, offset, limit)
	if len(matches) == 0 {
		return matches, nil
	}
	if s.betweenSearchReads != nil {
		s.betweenSearchReads()
	}
	ids := make([]string, len(matches))
	for i, m := range matches {
		ids[i] = m.Ride.ID
	}
	whole, err := s.RidesByID(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("search rides: %w", err)
	}
	byID := make(map[string]carpool.Ride, len(whole))
	for _, r := range whole {
		byID[r.ID] = r
	}
	for i := range matches {
		r, ok := byID[matches[i].Ride.ID]
		if !ok || !sameRanking(r, matches[i].Ride) {
			// changed since it was ranked: rank one reading of every column instead
			all, err := s.rankCandidates(ctx, q, rideCols, scanRide)
			if err != nil {
				return nil, err
			}
			return page(all, offset, limit), nil
		}
		matches[i].Ride = r
	}
	return matches, nil
}

// rankCandidates reads the candidates of q with cols and scan, and ranks them.
//
// The ranking favours departures near the middle of the window, so when there are more
// candidates than the cap, those nearest to it are kept: half from each side. Most
// searches have far fewer, so one query for the whole window comes first; only when it
// holds more than half the cap on either side are the two sides read apart, so the
// candidates are always those the two-sided reading gives.
func (s *Store) rankCandidates(ctx context.Context, q carpool.RideQuery, cols string, scan func(rowScanner) (carpool.Ride, error)) ([]carpool.RideMatch, error) {
	wished := q.DepartAfter.Add(q.DepartBefore.Sub(q.DepartAfter) / 2)
	all, err := s.searchSide(ctx, q, cols, scan, "", wished, "", searchCandidates+1)
	if err != nil {
		return nil, err
	}
	later, split := 0, ts(wished) // as the SQL of the sides compares
	for _, r := range all {
		if !r.DepartAt.Before(split) {
			later++
		}
	}
	if len(all) <= searchCandidates && later <= searchCandidates/2 && len(all)-later <= searchCandidates/2 {
		return q.Rank(all), nil
	}
	late, err := s.searchSide(ctx, q, cols, scan, "depart_at >= ", wished, " ORDER BY depart_at, id", searchCandidates/2)
	if err != nil {
		return nil, err
	}
	early, err := s.searchSide(ctx, q, cols, scan, "depart_at < ", wished, " ORDER BY depart_at DESC, id", searchCandidates/2)
	if err != nil {
		return nil, err
	}
	return q.Rank(append(late, early...)), nil
}

// page is at most limit matches after offset (limit 0: all after offset).
func page(matches []carpool.RideMatch, offset, limit int) []carpool.RideMatch {
	if offset >= len(matches) {
		return []carpool.RideMatch{}
	}
	matches = matches[offset:]
	if limit > 0 && limit < len(matches) {
		matches = matches[:limit]
	}
	return matches
}

// rankCols are the columns carpool.RideQuery.Rank looks at; the status is 'open' by
// the search's WHERE.
const rankCols = "id, from_lat, from_lon, to_lat, to_lon, depart_at, seats, seats_taken, detour_km"

func scanRankedRide(r rowScanner) (carpool.Ride, error) {
	x := carpool.Ride{Status: carpool.RideOpen}
	err := r.Scan(&x.ID, &x.From.Lat, &x.From.Lon, &x.To.Lat, &x.To.Lon, timeCol{&x.DepartAt}, &x.Seats, &x.SeatsTaken, &x.DetourKM)
	return x, err
}

// sameRanking reports whether whole ranks as ranked did: every field Rank reads is equal.
func sameRanking(whole, ranked carpool.Ride) bool {
	return whole.Status == ranked.Status && whole.From.Point() == ranked.From.Point() && whole.To.Point() == ranked.To.Point() &&
		whole.DepartAt.Equal(ranked.DepartAt) && whole.Seats == ranked.Seats && whole.SeatsTaken == ranked.SeatsTaken &&
		whole.DetourKM == ranked.DetourKM
}

// searchSide pre-selects at most limit candidates, on one side of the wished departure
// (side "": the whole window), in order.
func (s *Store) searchSide(ctx context.Context, q carpool.RideQuery, cols string, scan func(rowScanner) (carpool.Ride, error), side string, wished time.Time, order string, limit int) ([]carpool.Ride, error) {
	var a args
	conds := []string{
		"status = 'open'",
		"depart_at >= " + a.add(ts(q.DepartAfter)),
		"depart_at <= " + a.add(ts(q.DepartBefore)),
	}
	if side != "" {
		conds = append(conds, side+a.add(ts(wished)))
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
	rows, err := s.read().QueryContext(ctx, `SELECT `+cols+` FROM `+table+where(conds)+order+` LIMIT `+a.add(limit), a...)
	if err != nil {
		return nil, fmt.Errorf("search rides: %w", err)
	}
	rides, err := collect(rows, scan)
	if err != nil {
		return nil, fmt.Errorf("search rides: %w", err)
	}
	return rides, nil
}

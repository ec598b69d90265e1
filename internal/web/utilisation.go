package web

import (
	"net/http"
	"time"

	"carpool/internal/carpool"
)

// UtilisationWindow is how far back the fleet utilisation table looks.
const UtilisationWindow = 30 * 24 * time.Hour

type utilisationPage struct {
	From time.Time
	To   time.Time
	Rows []utilisationRow
}

// utilisationRow is one pool car's use within the window: hours held by trip
// reservations and by maintenance blocks (clipped to the window), rides that departed in
// it and the passenger seats those rides carried.
type utilisationRow struct {
	Car         carpool.Car
	Site        string
	Reserved    time.Duration
	Maintenance time.Duration
	Rides       int
	SeatsShared int
}

// utilisation computes the table from the Store's lists: a company's fleet and a month
// of its rides are small enough that this needs no report query of its own.
func (s *Server) utilisation(w http.ResponseWriter, r *http.Request, me *session) error {
	ctx := r.Context()
	to := s.now()
	from := to.Add(-UtilisationWindow)
	sites, err := s.allSites(ctx)
	if err != nil {
		return err
	}
	p := utilisationPage{From: from, To: to}
	index := map[string]int{}
	for _, site := range sites {
		cars, err := s.allCars(ctx, carpool.CarFilter{Kind: carpool.CarPool, SiteID: site.ID, IncludeRetired: true})
		if err != nil {
			return err
		}
		for _, c := range cars {
			row := utilisationRow{Car: c, Site: site.Name}
			res, err := s.allReservations(ctx, carpool.ReservationFilter{CarID: c.ID, ActiveOnly: true, Start: from, End: to})
			if err != nil {
				return err
			}
			for _, x := range res {
				held := clip(x.Start, x.End, from, to)
				if x.Kind == carpool.ReservationMaintenance {
					row.Maintenance += held
				} else {
					row.Reserved += held
				}
			}
			index[c.ID] = len(p.Rows)
			p.Rows = append(p.Rows, row)
		}
	}
	rides, err := s.allRides(ctx, carpool.RideFilter{DepartAfter: from})
	if err != nil {
		return err
	}
	for _, ride := range rides {
		i, ok := index[ride.CarID]
		if !ok || ride.DepartAt.After(to) {
			continue
		}
		p.Rows[i].Rides++
		p.Rows[i].SeatsShared += ride.SeatsTaken
	}
	s.render(w, r, http.StatusOK, "utilisation", me, p)
	return nil
}

// clip returns how much of [start, end) lies within [from, to).
func clip(start, end, from, to time.Time) time.Duration {
	if start.Before(from) {
		start = from
	}
	if end.After(to) {
		end = to
	}
	if !end.After(start) {
		return 0
	}
	return end.Sub(start)
}

package web

import (
	"net/http"
	"time"

	"carpool/internal/app"
)

// homePage is the member's agenda grouped the way a day is lived: what happens today,
// the requests that wait for the member's answer, and the next days; and what their
// carpooling saved over the last year.
type homePage struct {
	Today, Later agendaGroup
	Requests     []app.Request
	Shared       app.MyFigures
}

// agendaGroup is the part of the agenda that falls within one stretch of days.
type agendaGroup struct {
	Driving      []app.DrivenRide
	Passenger    []app.BookedRide
	Reservations []app.HeldReservation
}

func (g agendaGroup) Empty() bool {
	return len(g.Driving) == 0 && len(g.Passenger) == 0 && len(g.Reservations) == 0
}

// foldAfter is how many of the next days' rides the home page lists before it folds the
// rest behind a summary: a daily commute would otherwise fill a phone's screens.
const foldAfter = 3

// home shows what is coming up for the member: rides they drive (with requests waiting
// for them), rides they booked, and their pool-car reservations; and what their
// carpooling saved over the last twelve months.
func (s *Server) home(w http.ResponseWriter, r *http.Request, me *session) error {
	agenda, err := s.app.Agenda(r.Context(), me.Member)
	if err != nil {
		return err
	}
	now := s.now()
	shared, err := s.app.MyFigures(r.Context(), me.Member, now.AddDate(-1, 0, 0), now)
	if err != nil {
		return err
	}
	p := homePage{Requests: agenda.Requests, Shared: shared}
	local := now.In(s.zone(me))
	tomorrow := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, s.zone(me))
	group := func(t time.Time) *agendaGroup {
		if t.Before(tomorrow) {
			return &p.Today
		}
		return &p.Later
	}
	for _, d := range agenda.Driving {
		g := group(d.Ride.DepartAt)
		g.Driving = append(g.Driving, d)
	}
	for _, b := range agenda.Passenger {
		g := group(b.Ride.DepartAt)
		g.Passenger = append(g.Passenger, b)
	}
	for _, h := range agenda.Reservations {
		g := group(h.Reservation.Start)
		g.Reservations = append(g.Reservations, h)
	}
	s.render(w, r, http.StatusOK, "home", me, p)
	return nil
}

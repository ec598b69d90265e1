package web

import (
	"net/http"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// Rides home: a member who lost their ride from a site asks for another way home on
// /rides-home, and sees the answer there; fleet managers answer the waiting requests on
// the same page (a taxi voucher, a pool car reserved for the member, or a decline).

func (s *Server) rideHomeRoutes(mux *routeMux) {
	mux.Handle("GET /rides-home", s.signedIn(s.ridesHome))
	mux.Handle("POST /rides-home", s.signedIn(s.askRideHome))
	mux.Handle("POST /rides-home/{id}/approve", s.signedIn(s.approveRideHome))
	mux.Handle("POST /rides-home/{id}/decline", s.signedIn(s.declineRideHome))
}

type rideHomeRow struct {
	Request carpool.RideHomeRequest
	Ride    carpool.Ride
	Who     string // the member who asked, for fleet managers
}

type ridesHomePage struct {
	Lost    []app.LostRide
	Ask     *form
	Mine    []rideHomeRow
	Pending []rideHomeRow
	Cars    []carpool.Car // pool cars a fleet manager may reserve for the member
	Decide  *form
	Failed  string // the request whose decision form failed
}

var (
	askRideHomeInputs    = []string{"booking_id", "note"}
	decideRideHomeInputs = []string{"means", "car_id", "voucher", "reason"}
)

func (s *Server) ridesHomeData(r *http.Request, me *session) (ridesHomePage, error) {
	ctx := r.Context()
	p := ridesHomePage{Ask: emptyForm(askRideHomeInputs), Decide: emptyForm(decideRideHomeInputs)}
	var err error
	if p.Lost, err = s.app.LostRides(ctx, me.Member); err != nil {
		return p, err
	}
	row := func(q carpool.RideHomeRequest, names map[string]string) rideHomeRow {
		out := rideHomeRow{Request: q, Who: names[q.MemberID]}
		if ride, err := s.app.Ride(ctx, me.Member, q.RideID); err == nil {
			out.Ride = ride.Ride
		}
		return out
	}
	mine, _, err := s.app.RideHomes(ctx, me.Member, true, "", carpool.Page{Limit: 20})
	if err != nil {
		return p, err
	}
	for _, q := range mine {
		p.Mine = append(p.Mine, row(q, nil))
	}
	if !me.Member.ManagesFleet() {
		return p, nil
	}
	pending, _, err := s.app.RideHomes(ctx, me.Member, false, carpool.RideHomeRequested, carpool.Page{Limit: carpool.MaxPageLimit})
	if err != nil {
		return p, err
	}
	names, err := s.app.RideHomeNames(ctx, me.Member, pending)
	if err != nil {
		return p, err
	}
	for _, q := range pending {
		p.Pending = append(p.Pending, row(q, names))
	}
	p.Cars, err = s.app.AllCars(ctx, me.Member, carpool.CarFilter{Kind: carpool.CarPool})
	return p, err
}

func (s *Server) ridesHome(w http.ResponseWriter, r *http.Request, me *session) error {
	p, err := s.ridesHomeData(r, me)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "rideshome", me, p)
	return nil
}

// ridesHomeFailed shows the page again with the form that failed and its errors.
func (s *Server) ridesHomeFailed(w http.ResponseWriter, r *http.Request, me *session, f *form, failed string, err error) error {
	if !userFacing(err) && carpool.ErrorCode(err) != carpool.ENOTFOUND {
		return err
	}
	p, derr := s.ridesHomeData(r, me)
	if derr != nil {
		return derr
	}
	f.fail(r, err, nil)
	if failed == "" {
		p.Ask = f
	} else {
		p.Decide, p.Failed = f, failed
	}
	s.render(w, r, f.status(), "rideshome", me, p)
	return nil
}

func (s *Server) askRideHome(w http.ResponseWriter, r *http.Request, me *session) error {
	f := postedForm(r, askRideHomeInputs)
	if _, err := s.app.AskRideHome(r.Context(), me.Member, f.Get("booking_id"), f.Get("note")); err != nil {
		return s.ridesHomeFailed(w, r, me, f, "", err)
	}
	redirect(w, r, "/rides-home", "rideHomeAsked")
	return nil
}

func (s *Server) approveRideHome(w http.ResponseWriter, r *http.Request, me *session) error {
	f := postedForm(r, decideRideHomeInputs)
	d := carpool.RideHomeDecision{Approve: true, Means: carpool.RideHomeMeans(f.Get("means")), CarID: f.Get("car_id"), Voucher: f.Get("voucher")}
	id := r.PathValue("id")
	if _, err := s.app.DecideRideHome(r.Context(), me.Member, id, d, time.Time{}); err != nil {
		return s.ridesHomeFailed(w, r, me, f, id, err)
	}
	redirect(w, r, "/rides-home", "rideHomeDecided")
	return nil
}

func (s *Server) declineRideHome(w http.ResponseWriter, r *http.Request, me *session) error {
	f := postedForm(r, decideRideHomeInputs)
	id := r.PathValue("id")
	if _, err := s.app.DecideRideHome(r.Context(), me.Member, id, carpool.RideHomeDecision{Reason: f.Get("reason")}, time.Time{}); err != nil {
		return s.ridesHomeFailed(w, r, me, f, id, err)
	}
	redirect(w, r, "/rides-home", "rideHomeDecided")
	return nil
}

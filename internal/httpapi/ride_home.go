package httpapi

import (
	"net/http"
	"time"

	"carpool/internal/carpool"
)

type rideHomeRequestBody struct {
	BookingID string `json:"booking_id"`
	Note      string `json:"note"`
}

type rideHomeDecisionBody struct {
	Means   string `json:"means"`
	CarID   string `json:"car_id"`
	Until   string `json:"until"`
	Voucher string `json:"voucher"`
}

type rideHomeDeclineBody struct {
	Reason string `json:"reason"`
}

type rideHomeResponse struct {
	ID            string `json:"id"`
	MemberID      string `json:"member_id"`
	BookingID     string `json:"booking_id"`
	RideID        string `json:"ride_id"`
	SiteID        string `json:"site_id"`
	Note          string `json:"note"`
	Status        string `json:"status"`
	Means         string `json:"means,omitempty"`
	ReservationID string `json:"reservation_id,omitempty"`
	Voucher       string `json:"voucher,omitempty"`
	Reason        string `json:"reason,omitempty"`
	DecidedBy     string `json:"decided_by,omitempty"`
	CreatedAt     string `json:"created_at"`
	DecidedAt     string `json:"decided_at,omitempty"`
}

func rideHomeOut(q carpool.RideHomeRequest) rideHomeResponse {
	return rideHomeResponse{ID: q.ID, MemberID: q.MemberID, BookingID: q.BookingID, RideID: q.RideID, SiteID: q.SiteID,
		Note: q.Note, Status: string(q.Status), Means: string(q.Means), ReservationID: q.ReservationID, Voucher: q.Voucher,
		Reason: q.Reason, DecidedBy: q.DecidedBy, CreatedAt: timestamp(q.CreatedAt), DecidedAt: timestamp(q.DecidedAt)}
}

func (s *Server) rideHomeRoutes() {
	s.mux.Handle("POST /api/v1/ride-home-requests", s.authed(s.idempotent(s.askRideHome)))
	s.mux.Handle("GET /api/v1/ride-home-requests", s.authed(s.listRideHomes))
	s.mux.Handle("GET /api/v1/ride-home-requests/{id}", s.authed(s.getRideHome))
	s.mux.Handle("POST /api/v1/ride-home-requests/{id}/approve", s.authed(s.approveRideHome))
	s.mux.Handle("POST /api/v1/ride-home-requests/{id}/decline", s.authed(s.declineRideHome))
}

func (s *Server) askRideHome(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	var req rideHomeRequestBody
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	if req.BookingID == "" {
		return required("booking_id")
	}
	q, err := s.app.AskRideHome(r.Context(), me, req.BookingID, req.Note)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/ride-home-requests/"+q.ID)
	return s.writeJSON(w, r, http.StatusCreated, rideHomeOut(q))
}

func (s *Server) listRideHomes(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	p, err := pageParam(r)
	if err != nil {
		return err
	}
	status := carpool.RideHomeStatus(r.URL.Query().Get("status"))
	switch status {
	case "", carpool.RideHomeRequested, carpool.RideHomeApproved, carpool.RideHomeDeclined:
	default:
		return carpool.FieldErrorf(carpool.EINVALID, "status", "status must be requested, approved or declined")
	}
	items, next, err := s.app.RideHomes(r.Context(), me, r.URL.Query().Get("mine") == "true", status, p)
	if err != nil {
		return err
	}
	out := make([]rideHomeResponse, len(items))
	for i, q := range items {
		out[i] = rideHomeOut(q)
	}
	return s.writeJSON(w, r, http.StatusOK, newList(out, next))
}

func (s *Server) getRideHome(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	q, err := s.app.RideHome(r.Context(), me, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, rideHomeOut(q))
}

func (s *Server) approveRideHome(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	var req rideHomeDecisionBody
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	d := carpool.RideHomeDecision{Approve: true, Means: carpool.RideHomeMeans(req.Means), CarID: req.CarID, Voucher: req.Voucher}
	until, err := parseTime("until", req.Until)
	if err != nil {
		_, others := d.Check()
		return carpool.JoinInvalid(err, others) // every wrong field at once
	}
	q, err := s.app.DecideRideHome(r.Context(), me, r.PathValue("id"), d, until)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, rideHomeOut(q))
}

func (s *Server) declineRideHome(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	var req rideHomeDeclineBody
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	q, err := s.app.DecideRideHome(r.Context(), me, r.PathValue("id"), carpool.RideHomeDecision{Reason: req.Reason}, time.Time{})
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, rideHomeOut(q))
}

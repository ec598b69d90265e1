package httpapi

import (
	"context"
	"net/http"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

type reservationRequest struct {
	Start string `json:"start"`
	End   string `json:"end"`
	Kind  string `json:"kind"`
}

// reservationResponse is a reservation. Members who neither hold it nor manage the fleet
// see only when a car is taken: the holder and timestamps are left out.
type reservationResponse struct {
	ID          string          `json:"id"`
	CarID       string          `json:"car_id"`
	MemberID    string          `json:"member_id,omitempty"`
	Kind        string          `json:"kind"`
	Start       string          `json:"start"`
	End         string          `json:"end"`
	Status      string          `json:"status"`
	CancelledBy string          `json:"cancelled_by,omitempty"`
	Holder      *personResponse `json:"holder,omitempty"`
	CreatedAt   string          `json:"created_at,omitempty"`
	UpdatedAt   string          `json:"updated_at,omitempty"`
}

// reservationOut shows a reservation as the application layer returned it: for members
// who neither hold it nor manage the fleet, without holder and timestamps.
func reservationOut(res carpool.Reservation, holders map[string]app.Person) reservationResponse {
	out := reservationResponse{
		ID: res.ID, CarID: res.CarID, Kind: string(res.Kind), Start: timestamp(res.Start), End: timestamp(res.End),
		Status: string(res.Status), MemberID: res.MemberID, CancelledBy: res.CancelledBy,
		CreatedAt: timestamp(res.CreatedAt), UpdatedAt: timestamp(res.UpdatedAt),
	}
	if h, ok := holders[res.MemberID]; ok {
		p := personOut(h)
		out.Holder = &p
	}
	return out
}

// withHolders writes reservations with their holders as me may see them.
func (s *Server) withHolders(r *http.Request, me carpool.Member, list ...carpool.Reservation) ([]reservationResponse, error) {
	holders, err := s.app.Holders(r.Context(), me, list)
	if err != nil {
		return nil, err
	}
	out := make([]reservationResponse, len(list))
	for i, res := range list {
		out[i] = reservationOut(res, holders)
	}
	return out, nil
}

// reservationFilter reads the query parameters shared by the reservation lists.
func reservationFilter(r *http.Request) (carpool.ReservationFilter, error) {
	var f carpool.ReservationFilter
	q := r.URL.Query()
	var err error
	if f.Start, err = parseTime("start", q.Get("start")); err != nil {
		return f, err
	}
	if f.End, err = parseTime("end", q.Get("end")); err != nil {
		return f, err
	}
	all, err := boolParam(r, "include_cancelled")
	f.ActiveOnly = !all
	return f, err
}

type reservationList func(ctx context.Context, me carpool.Member, f carpool.ReservationFilter, p carpool.Page) ([]carpool.Reservation, string, error)

func (s *Server) writeReservations(w http.ResponseWriter, r *http.Request, me carpool.Member, list reservationList) error {
	p, err := pageParam(r)
	if err != nil {
		return err
	}
	f, err := reservationFilter(r)
	if err != nil {
		return err
	}
	items, next, err := list(r.Context(), me, f, p)
	if err != nil {
		return err
	}
	out, err := s.withHolders(r, me, items...)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, newList(out, next))
}

// listCarReservations shows when a car is taken, so a member can pick a free window.
func (s *Server) listCarReservations(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	carID := r.PathValue("id")
	return s.writeReservations(w, r, me, func(ctx context.Context, me carpool.Member, f carpool.ReservationFilter, p carpool.Page) ([]carpool.Reservation, string, error) {
		return s.app.CarReservations(ctx, me, carID, f, p)
	})
}

func (s *Server) listMyReservations(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	return s.writeReservations(w, r, me, s.app.MyReservations)
}

func (s *Server) createReservation(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	var req reservationRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	start, err := parseTime("start", req.Start)
	if err != nil {
		return err
	}
	end, err := parseTime("end", req.End)
	if err != nil {
		return err
	}
	res, err := s.app.Reserve(r.Context(), me, r.PathValue("id"), carpool.ReservationKind(req.Kind), start, end)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/reservations/"+res.ID)
	return s.writeReservation(w, r, me, http.StatusCreated, res)
}

func (s *Server) getReservation(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	res, err := s.app.Reservation(r.Context(), me, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeReservation(w, r, me, http.StatusOK, res)
}

func (s *Server) cancelReservation(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	res, err := s.app.CancelReservation(r.Context(), me, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeReservation(w, r, me, http.StatusOK, res)
}

func (s *Server) writeReservation(w http.ResponseWriter, r *http.Request, me carpool.Member, status int, res carpool.Reservation) error {
	out, err := s.withHolders(r, me, res)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, status, out[0])
}

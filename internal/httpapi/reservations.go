package httpapi

import (
	"net/http"
	"time"

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
	ID          string `json:"id"`
	CarID       string `json:"car_id"`
	MemberID    string `json:"member_id,omitempty"`
	Kind        string `json:"kind"`
	Start       string `json:"start"`
	End         string `json:"end"`
	Status      string `json:"status"`
	CancelledBy string `json:"cancelled_by,omitempty"`
	CreatedAt   string `json:"created_at,omitempty"`
	UpdatedAt   string `json:"updated_at,omitempty"`
}

func reservationOut(res carpool.Reservation, viewer carpool.Member) reservationResponse {
	out := reservationResponse{
		ID: res.ID, CarID: res.CarID, Kind: string(res.Kind), Start: timestamp(res.Start), End: timestamp(res.End),
		Status: string(res.Status),
	}
	if res.VisibleTo(viewer) {
		out.MemberID, out.CancelledBy = res.MemberID, res.CancelledBy
		out.CreatedAt, out.UpdatedAt = timestamp(res.CreatedAt), timestamp(res.UpdatedAt)
	}
	return out
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
	if !f.Start.IsZero() && !f.End.IsZero() && !f.End.After(f.Start) {
		return f, carpool.FieldErrorf(carpool.EINVALID, "end", "end must be after start")
	}
	all, err := boolParam(r, "include_cancelled")
	f.ActiveOnly = !all
	return f, err
}

func (s *Server) writeReservations(w http.ResponseWriter, r *http.Request, me carpool.Member, f carpool.ReservationFilter) error {
	p, err := pageParam(r)
	if err != nil {
		return err
	}
	list, next, err := s.store.Reservations(r.Context(), f, p)
	if err != nil {
		return err
	}
	out := make([]reservationResponse, len(list))
	for i, res := range list {
		out[i] = reservationOut(res, me)
	}
	return s.writeJSON(w, r, http.StatusOK, newList(out, next))
}

// listCarReservations shows when a car is taken, so a member can pick a free window.
func (s *Server) listCarReservations(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	c, err := s.visibleCar(r, r.PathValue("id"), me)
	if err != nil {
		return err
	}
	f, err := reservationFilter(r)
	if err != nil {
		return err
	}
	f.CarID = c.ID
	return s.writeReservations(w, r, me, f)
}

func (s *Server) listMyReservations(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	f, err := reservationFilter(r)
	if err != nil {
		return err
	}
	f.MemberID = me.ID
	return s.writeReservations(w, r, me, f)
}

func (s *Server) createReservation(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	c, err := s.visibleCar(r, r.PathValue("id"), me)
	if err != nil {
		return err
	}
	var req reservationRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	var start, end time.Time
	if start, err = parseTime("start", req.Start); err != nil {
		return err
	}
	if end, err = parseTime("end", req.End); err != nil {
		return err
	}
	res, err := s.store.CreateReservation(r.Context(), c.ID, me, carpool.ReservationKind(req.Kind), start, end)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/reservations/"+res.ID)
	return s.writeJSON(w, r, http.StatusCreated, reservationOut(res, me))
}

// visibleReservation returns a reservation that me holds or may manage; any other is
// reported as not found.
func (s *Server) visibleReservation(r *http.Request, me carpool.Member) (carpool.Reservation, error) {
	res, err := s.store.Reservation(r.Context(), r.PathValue("id"))
	if err != nil {
		return carpool.Reservation{}, err
	}
	if !res.VisibleTo(me) {
		return carpool.Reservation{}, carpool.Errorf(carpool.ENOTFOUND, "reservation not found")
	}
	return res, nil
}

func (s *Server) getReservation(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	res, err := s.visibleReservation(r, me)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, reservationOut(res, me))
}

func (s *Server) cancelReservation(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	if _, err := s.visibleReservation(r, me); err != nil {
		return err
	}
	res, err := s.store.CancelReservation(r.Context(), r.PathValue("id"), me)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, reservationOut(res, me))
}

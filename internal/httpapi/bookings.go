package httpapi

import (
	"context"
	"net/http"

	"carpool/internal/carpool"
)

type bookingRequest struct {
	Seats    *int `json:"seats"`
	Waitlist bool `json:"waitlist"`
}

type bookingResponse struct {
	ID          string `json:"id"`
	RideID      string `json:"ride_id"`
	DriverID    string `json:"driver_id"`
	PassengerID string `json:"passenger_id"`
	Seats       int    `json:"seats"`
	Status      string `json:"status"`
	CancelledBy string `json:"cancelled_by,omitempty"`
	CreatedAt   string `json:"created_at"`
	UpdatedAt   string `json:"updated_at"`
}

func bookingOut(b carpool.Booking) bookingResponse {
	return bookingResponse{
		ID: b.ID, RideID: b.RideID, DriverID: b.DriverID, PassengerID: b.PassengerID, Seats: b.Seats,
		Status: string(b.Status), CancelledBy: b.CancelledBy,
		CreatedAt: timestamp(b.CreatedAt), UpdatedAt: timestamp(b.UpdatedAt),
	}
}

// bookSeats books seats on a ride: 201 with status confirmed (instant), pending
// (approval) or waitlisted (full, waitlist asked), or 409 when the ride is full.
func (s *Server) bookSeats(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	var req bookingRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	if req.Seats == nil {
		return required("seats")
	}
	b, err := s.store.BookSeats(r.Context(), r.PathValue("id"), me, carpool.BookingRequest{Seats: *req.Seats, Waitlist: req.Waitlist})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/bookings/"+b.ID)
	return s.writeJSON(w, r, http.StatusCreated, bookingOut(b))
}

func (s *Server) listMyBookings(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	p, err := pageParam(r)
	if err != nil {
		return err
	}
	all, err := boolParam(r, "include_inactive")
	if err != nil {
		return err
	}
	list, next, err := s.store.Bookings(r.Context(), carpool.BookingFilter{PassengerID: me.ID, ActiveOnly: !all}, p)
	if err != nil {
		return err
	}
	out := make([]bookingResponse, len(list))
	for i, b := range list {
		out[i] = bookingOut(b)
	}
	return s.writeJSON(w, r, http.StatusOK, newList(out, next))
}

// visibleBooking returns a booking that me is the passenger or the driver of; any other
// is reported as not found.
func (s *Server) visibleBooking(ctx context.Context, id string, me carpool.Member) (carpool.Booking, error) {
	b, err := s.store.Booking(ctx, id)
	if err != nil {
		return carpool.Booking{}, err
	}
	if b.PassengerID != me.ID && b.DriverID != me.ID {
		return carpool.Booking{}, carpool.Errorf(carpool.ENOTFOUND, "booking not found")
	}
	return b, nil
}

func (s *Server) getBooking(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	b, err := s.visibleBooking(r.Context(), r.PathValue("id"), me)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, bookingOut(b))
}

func (s *Server) cancelBooking(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	return s.changeBooking(w, r, me, s.store.CancelBooking)
}

func (s *Server) confirmBooking(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	return s.changeBooking(w, r, me, s.store.ConfirmBooking)
}

func (s *Server) rejectBooking(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	return s.changeBooking(w, r, me, s.store.RejectBooking)
}

type bookingChange func(ctx context.Context, id string, by carpool.Member) (carpool.Booking, error)

func (s *Server) changeBooking(w http.ResponseWriter, r *http.Request, me carpool.Member, change bookingChange) error {
	id := r.PathValue("id")
	if _, err := s.visibleBooking(r.Context(), id, me); err != nil {
		return err
	}
	b, err := change(r.Context(), id, me)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, bookingOut(b))
}

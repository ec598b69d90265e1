package httpapi

import (
	"net/http"

	"carpool/internal/carpool"
)

type bookingRequest struct {
	Seats    *int       `json:"seats"`
	Waitlist bool       `json:"waitlist"`
	Pickup   *placeBody `json:"pickup"`
	Dropoff  *placeBody `json:"dropoff"`
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

	Pickup  *placeResponse `json:"pickup,omitempty"`
	Dropoff *placeResponse `json:"dropoff,omitempty"`
}

func bookingOut(b carpool.Booking) bookingResponse {
	return bookingResponse{
		ID: b.ID, RideID: b.RideID, DriverID: b.DriverID, PassengerID: b.PassengerID, Seats: b.Seats,
		Status: string(b.Status), CancelledBy: b.CancelledBy,
		CreatedAt: timestamp(b.CreatedAt), UpdatedAt: timestamp(b.UpdatedAt),
		Pickup: optionalPlace(b.Pickup), Dropoff: optionalPlace(b.Dropoff),
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
	breq := carpool.BookingRequest{Seats: *req.Seats, Waitlist: req.Waitlist}
	for _, p := range []struct {
		body  *placeBody
		field string
		dst   **carpool.Place
	}{{req.Pickup, "pickup", &breq.Pickup}, {req.Dropoff, "dropoff", &breq.Dropoff}} {
		if p.body == nil {
			continue
		}
		place, err := placeIn(p.body, p.field)
		if err != nil {
			return err
		}
		*p.dst = &place
	}
	b, err := s.app.Book(r.Context(), me, r.PathValue("id"), breq)
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
	list, next, err := s.app.MyBookings(r.Context(), me, !all, p)
	if err != nil {
		return err
	}
	out := make([]bookingResponse, len(list))
	for i, b := range list {
		out[i] = bookingOut(b)
	}
	return s.writeJSON(w, r, http.StatusOK, newList(out, next))
}

func (s *Server) getBooking(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	return s.answerBooking(w, r)(s.app.Booking(r.Context(), me, r.PathValue("id")))
}

func (s *Server) cancelBooking(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	return s.answerBooking(w, r)(s.app.CancelBooking(r.Context(), me, r.PathValue("id")))
}

func (s *Server) confirmBooking(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	return s.answerBooking(w, r)(s.app.ConfirmBooking(r.Context(), me, r.PathValue("id")))
}

func (s *Server) rejectBooking(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	return s.answerBooking(w, r)(s.app.RejectBooking(r.Context(), me, r.PathValue("id")))
}

// answerBooking returns a function that writes a booking or passes its error on.
func (s *Server) answerBooking(w http.ResponseWriter, r *http.Request) func(carpool.Booking, error) error {
	return func(b carpool.Booking, err error) error {
		if err != nil {
			return err
		}
		return s.writeJSON(w, r, http.StatusOK, bookingOut(b))
	}
}

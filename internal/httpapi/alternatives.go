package httpapi

import (
	"net/http"

	"carpool/internal/carpool"
)

// alternativesResponse lists the rides that can take a passenger whose booking was lost,
// with the seats and the points to book them with (POST /api/v1/rides/{id}/bookings), so
// that the new booking keeps where the passenger boards and leaves.
type alternativesResponse struct {
	BookingID string               `json:"booking_id"`
	Seats     int                  `json:"seats"`
	Pickup    *placeResponse       `json:"pickup,omitempty"`
	Dropoff   *placeResponse       `json:"dropoff,omitempty"`
	Items     []rideResponse       `json:"items"`
	PoolCars  poolCarOfferResponse `json:"pool_cars"`
}

func (s *Server) listAlternatives(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	alt, err := s.app.BookingAlternatives(r.Context(), me, r.PathValue("id"))
	if err != nil {
		return err
	}
	out := alternativesResponse{BookingID: alt.Booking.ID, Seats: alt.Booking.Seats,
		Pickup: optionalPlace(alt.Pickup), Dropoff: optionalPlace(alt.Dropoff), Items: make([]rideResponse, len(alt.Rides)),
		PoolCars: poolCarOfferOut(alt.PoolCars)}
	for i, m := range alt.Rides {
		out.Items[i] = rideOut(m.Ride, m.Driver)
		out.Items[i].FromKM, out.Items[i].ToKM = optionalKM(true, m.FromKM), optionalKM(true, m.ToKM)
		out.Items[i].DetourKM, out.Items[i].PickupAt = optionalKM(true, m.DetourKM), timestamp(m.PickupAt)
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

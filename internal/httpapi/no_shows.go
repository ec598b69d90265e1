package httpapi

import (
	"net/http"

	"carpool/internal/carpool"
)

func (s *Server) noShowRoutes() {
	s.mux.Handle("POST /api/v1/bookings/{id}/driver-no-show", s.authed(s.driverNoShow))
	s.mux.Handle("GET /api/v1/no-shows", s.authed(s.listNoShows))
}

type driverNoShowResponse struct {
	BookingID   string `json:"booking_id"`
	RideID      string `json:"ride_id"`
	DriverID    string `json:"driver_id"`
	PassengerID string `json:"passenger_id"`
	At          string `json:"at"`
}

func (s *Server) driverNoShow(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	n, err := s.app.MarkDriverNoShow(r.Context(), me, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusCreated, driverNoShowResponse{BookingID: n.BookingID, RideID: n.RideID,
		DriverID: n.DriverID, PassengerID: n.PassengerID, At: timestamp(n.At)})
}

type noShowRowResponse struct {
	MemberID    string `json:"member_id"`
	Name        string `json:"name"`
	Email       string `json:"email"`
	AsPassenger int    `json:"as_passenger"`
	AsDriver    int    `json:"as_driver"`
	Total       int    `json:"total"`
	Limited     bool   `json:"limited"`
}

type noShowsResponse struct {
	From    string              `json:"from"`
	To      string              `json:"to"`
	Limit   int                 `json:"limit"`
	Members []noShowRowResponse `json:"members"`
}

func (s *Server) listNoShows(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	q := r.URL.Query()
	from, errFrom := parseTime("from", q.Get("from"))
	to, errTo := parseTime("to", q.Get("to"))
	if err := carpool.JoinInvalid(errFrom, errTo); err != nil {
		return err
	}
	rep, err := s.app.NoShows(r.Context(), me, from, to)
	if err != nil {
		return err
	}
	out := noShowsResponse{From: timestamp(rep.From), To: timestamp(rep.To), Limit: rep.Limit, Members: []noShowRowResponse{}}
	for _, row := range rep.Rows {
		out.Members = append(out.Members, noShowRowResponse{MemberID: row.MemberID, Name: row.Member.Name, Email: row.Member.Email,
			AsPassenger: row.AsPassenger, AsDriver: row.AsDriver, Total: row.Total(), Limited: row.Limited})
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

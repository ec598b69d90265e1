package httpapi

import (
	"fmt"
	"net/http"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

func (s *Server) proofRoutes() {
	s.mux.Handle("POST /api/v1/rides/{id}/check-ins", s.authed(s.checkIn))
	s.mux.Handle("POST /api/v1/bookings/{id}/no-show", s.authed(s.noShow))
	s.mux.Handle("GET /api/v1/proofs", s.authed(s.listProofs))
	s.mux.Handle("GET /api/v1/proofs/export", s.authed(s.exportProofs))
	s.mux.Handle("GET /api/v1/sites/{id}/check-in-code", s.authed(s.siteCheckInCode))
}

// checkInRequest is a position, or the code shown at a site.
type checkInRequest struct {
	Lat  *float64 `json:"lat"`
	Lon  *float64 `json:"lon"`
	Code *string  `json:"code"`
}

type checkInResponse struct {
	RideID   string  `json:"ride_id"`
	MemberID string  `json:"member_id"`
	At       string  `json:"at"`
	Lat      float64 `json:"lat"`
	Lon      float64 `json:"lon"`
	Method   string  `json:"method"`
	SiteID   string  `json:"site_id,omitempty"`
}

func checkInOut(c carpool.CheckIn) checkInResponse {
	return checkInResponse{RideID: c.RideID, MemberID: c.MemberID, At: timestamp(c.At), Lat: c.Lat, Lon: c.Lon,
		Method: string(c.Method), SiteID: c.SiteID}
}

func (s *Server) checkIn(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	var req checkInRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	var ci carpool.CheckIn
	var err error
	switch {
	case req.Code != nil && (req.Lat != nil || req.Lon != nil):
		return carpool.FieldErrorf(carpool.EINVALID, "code", "give either lat and lon or code, not both")
	case req.Code != nil:
		ci, err = s.app.CheckInByCode(r.Context(), me, r.PathValue("id"), *req.Code)
	case req.Lat == nil || req.Lon == nil:
		var errs []error
		if req.Lat == nil {
			errs = append(errs, required("lat"))
		}
		if req.Lon == nil {
			errs = append(errs, required("lon"))
		}
		return carpool.JoinInvalid(errs...)
	default:
		ci, err = s.app.CheckIn(r.Context(), me, r.PathValue("id"), *req.Lat, *req.Lon)
	}
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusCreated, checkInOut(ci))
}

type proofPointResponse struct {
	At  string  `json:"at"`
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

type proofResponse struct {
	RideID           string             `json:"ride_id"`
	BookingID        string             `json:"booking_id"`
	DriverID         string             `json:"driver_id"`
	PassengerID      string             `json:"passenger_id"`
	Date             string             `json:"date"`
	Class            string             `json:"class"`
	Start            proofPointResponse `json:"start"`
	End              proofPointResponse `json:"end"`
	DistanceM        int                `json:"distance_m"`
	Seats            int                `json:"seats"`
	DriverCheckIn    *checkInResponse   `json:"driver_check_in"`
	PassengerCheckIn *checkInResponse   `json:"passenger_check_in"`
	NoShowAt         string             `json:"no_show_at,omitempty"`
	Final            bool               `json:"final"`
	UpdatedAt        string             `json:"updated_at"`
}

func proofOut(p carpool.Proof, final bool) proofResponse {
	ci := func(c *carpool.CheckIn) *checkInResponse {
		if c == nil {
			return nil
		}
		out := checkInOut(*c)
		return &out
	}
	return proofResponse{RideID: p.RideID, BookingID: p.BookingID, DriverID: p.DriverID, PassengerID: p.PassengerID,
		Date: p.Day.String(), Class: string(p.Class), DistanceM: p.DistanceM, Seats: p.Seats,
		Start:         proofPointResponse{At: timestamp(p.Start.At), Lat: p.Start.Lat, Lon: p.Start.Lon},
		End:           proofPointResponse{At: timestamp(p.End.At), Lat: p.End.Lat, Lon: p.End.Lon},
		DriverCheckIn: ci(p.DriverCheckIn), PassengerCheckIn: ci(p.PassengerCheckIn), NoShowAt: timestamp(p.NoShowAt),
		Final: final, UpdatedAt: timestamp(p.UpdatedAt)}
}

func (s *Server) noShow(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	p, err := s.app.MarkNoShow(r.Context(), me, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, proofOut(p, false))
}

// proofSpan reads the from and to of a proofs request, naming each one at fault.
func proofSpan(r *http.Request) (from, to time.Time, err error) {
	q := r.URL.Query()
	from, errFrom := parseTime("from", q.Get("from"))
	to, errTo := parseTime("to", q.Get("to"))
	if err := carpool.JoinInvalid(errFrom, errTo); err != nil {
		return from, to, err
	}
	return from, to, nil
}

func (s *Server) listProofs(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	from, to, err := proofSpan(r)
	if err != nil {
		return err
	}
	proofs, err := s.app.Proofs(r.Context(), me, from, to)
	if err != nil {
		return err
	}
	now := s.app.Now()
	out := make([]proofResponse, len(proofs))
	for i, p := range proofs {
		out[i] = proofOut(p, p.Sealed(now))
	}
	// A period's records are one answer: the export is the same list as a file.
	return s.writeJSON(w, r, http.StatusOK, newList(out, ""))
}

// exportProofs answers the register journeys of the period as a JSON file to save.
func (s *Server) exportProofs(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	from, to, err := proofSpan(r)
	if err != nil {
		return err
	}
	journeys, err := s.app.ProofExport(r.Context(), me, from, to)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="carpool-journeys-%s-%s.json"`,
		from.UTC().Format("20060102"), to.UTC().Format("20060102")))
	h.Set("Cache-Control", "no-store")
	return s.writeJSON(w, r, http.StatusOK, struct {
		Journeys []app.RegisterJourney `json:"journeys"`
	}{journeys})
}

type siteCodeResponse struct {
	SiteID string `json:"site_id"`
	Date   string `json:"date"`
	Code   string `json:"code"`
	// URL is the page a phone opens from the printed QR code.
	URL string `json:"url"`
}

func (s *Server) siteCheckInCode(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	site, day, code, err := s.app.SiteCode(r.Context(), me, r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.writeJSON(w, r, http.StatusOK, siteCodeResponse{SiteID: site.ID, Date: day.String(), Code: code,
		URL: CheckInURL(code)})
}

// CheckInURL is the web page a site's code leads to, relative to the deployment.
func CheckInURL(code string) string { return "/check-in?code=" + code }

package httpapi

import (
	"net/http"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

type figuresResponse struct {
	RidesOffered       int     `json:"rides_offered"`
	RidesShared        int     `json:"rides_shared"`
	SeatsFilled        int     `json:"seats_filled"`
	PassengerKM        float64 `json:"passenger_km"`
	CO2AvoidedKG       float64 `json:"co2_avoided_kg"`
	ReservedHours      float64 `json:"reserved_hours"`
	MaintenanceHours   float64 `json:"maintenance_hours"`
	AvailableHours     float64 `json:"available_hours"`
	UtilisationPercent float64 `json:"utilisation_percent"`
}

type weekResponse struct {
	Start string `json:"start"`
	End   string `json:"end"`
	figuresResponse
}

type siteReportResponse struct {
	SiteID   string `json:"site_id"`
	Name     string `json:"name"`
	PoolCars int    `json:"pool_cars"`
	figuresResponse
}

type carReportResponse struct {
	CarID            string  `json:"car_id"`
	Plate            string  `json:"plate"`
	Site             string  `json:"site"`
	ReservedHours    float64 `json:"reserved_hours"`
	MaintenanceHours float64 `json:"maintenance_hours"`
	Rides            int     `json:"rides"`
	SeatsShared      int     `json:"seats_shared"`
}

type reportResponse struct {
	From       string                  `json:"from"`
	To         string                  `json:"to"`
	CO2KgPerKM float64                 `json:"co2_kg_per_km"`
	Totals     figuresResponse         `json:"totals"`
	Weeks      []weekResponse          `json:"weeks"`
	Sites      []siteReportResponse    `json:"sites"`
	Cars       []carReportResponse     `json:"cars"`
	RidesHome  rideHomeFiguresResponse `json:"rides_home"`
	// Parking is the carpool spaces used, the carpools without one, the proof classes.
	Parking *parkingReportResponse `json:"parking"`
}

func figuresOut(f app.Figures) figuresResponse {
	return figuresResponse{
		RidesOffered: f.Offered, RidesShared: f.Shared, SeatsFilled: f.SeatsFilled, PassengerKM: f.PassengerKM,
		CO2AvoidedKG: f.CO2AvoidedKG, ReservedHours: f.ReservedHours, MaintenanceHours: f.MaintenanceHours,
		AvailableHours: f.AvailableHours, UtilisationPercent: f.Utilisation * 100,
	}
}

// getReport answers the fleet report for [from, to), weeks starting Monday 00:00 in the
// IANA zone tz (default: the site's zone for one site, else UTC).
func (s *Server) getReport(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	q := r.URL.Query()
	from, err := parseTime("from", q.Get("from"))
	if err != nil {
		return err
	}
	to, err := parseTime("to", q.Get("to"))
	if err != nil {
		return err
	}
	var loc *time.Location // the site's zone for one site's report, else UTC
	if tz := q.Get("tz"); tz != "" {
		if loc, err = time.LoadLocation(tz); err != nil {
			return carpool.FieldErrorf(carpool.EINVALID, "tz", "tz must be an IANA time zone such as Europe/Berlin")
		}
	}
	var rep app.Report
	site := q.Get("site_id")
	if site != "" {
		rep, err = s.app.SiteReport(r.Context(), me, site, from, to, loc)
	} else {
		rep, err = s.app.FleetReport(r.Context(), me, from, to, loc)
	}
	if err != nil {
		return err
	}
	parking, err := s.parkingReport(r, me, site, from, to, loc)
	if err != nil {
		return err
	}
	out := reportResponse{From: timestamp(rep.From), To: timestamp(rep.To), CO2KgPerKM: float64(rep.Factor), Totals: figuresOut(rep.Totals),
		Weeks: []weekResponse{}, Sites: []siteReportResponse{}, Cars: []carReportResponse{}, Parking: parking, RidesHome: rideHomeFiguresOut(rep.RidesHome)}
	for _, wk := range rep.Weeks {
		out.Weeks = append(out.Weeks, weekResponse{Start: timestamp(wk.Week.Start), End: timestamp(wk.Week.End), figuresResponse: figuresOut(wk.Figures)})
	}
	for _, st := range rep.Sites {
		out.Sites = append(out.Sites, siteReportResponse{SiteID: st.Site.ID, Name: st.Site.Name, PoolCars: st.Cars, figuresResponse: figuresOut(st.Figures)})
	}
	for _, c := range rep.Cars {
		out.Cars = append(out.Cars, carReportResponse{CarID: c.Car.ID, Plate: c.Car.Plate, Site: c.Site, ReservedHours: c.Reserved.Hours(),
			MaintenanceHours: c.Maintenance.Hours(), Rides: c.Rides, SeatsShared: c.SeatsShared})
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

package httpapi

import (
	"net/http"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// seriesRoutes adds the recurring-commute endpoints; api/openapi.yaml describes them.
func (s *Server) seriesRoutes() {
	// A commute was called a series before: /api/v1/series/... stays an alias of
	// /api/v1/commutes/..., so clients written then keep working.
	for _, base := range []string{"/api/v1/commutes", "/api/v1/series"} {
		s.mux.Handle("GET "+base, s.authed(s.listSeries))
		s.mux.Handle("POST "+base, s.authed(s.idempotent(s.createSeries)))
		s.mux.Handle("GET "+base+"/{id}", s.authed(s.getSeries))
		s.mux.Handle("PATCH "+base+"/{id}", s.authed(s.patchSeries))
		s.mux.Handle("POST "+base+"/{id}/end", s.authed(s.endSeries))
		s.mux.Handle("POST "+base+"/{id}/skip", s.authed(s.skipSeriesDate))
		s.mux.Handle("GET "+base+"/{id}/occurrences", s.authed(s.listOccurrences))
		s.mux.Handle("POST "+base+"/{id}/subscription", s.authed(s.subscribe))
		s.mux.Handle("DELETE "+base+"/{id}/subscription", s.authed(s.unsubscribe))
		s.mux.Handle("POST "+base+"/{id}/subscription/leave", s.authed(s.leaveSeriesDate))
	}
	s.mux.Handle("GET /api/v1/commutes/week", s.authed(s.commuteWeek))
}

type seriesRequest struct {
	CarID        string     `json:"car_id"`
	From         *placeBody `json:"from"`
	To           *placeBody `json:"to"`
	Weekdays     []string   `json:"weekdays"`
	DepartTime   string     `json:"depart_time"`
	TimeZone     string     `json:"time_zone"`
	Seats        *int       `json:"seats"`
	BookingMode  string     `json:"booking_mode"`
	Notes        string     `json:"notes"`
	MaxDetourKM  *float64   `json:"max_detour_km"`
	StartsOn     string     `json:"starts_on"`
	EndsOn       string     `json:"ends_on"`
	ReserveFrom  string     `json:"reserve_from"`
	ReserveUntil string     `json:"reserve_until"`
	// SharePartners overrides the driver's profile choice for this commute.
	SharePartners sharingBody `json:"share_with_partners"`
}

type seriesPatch struct {
	DepartTime    *string     `json:"depart_time"`
	Seats         *int        `json:"seats"`
	BookingMode   *string     `json:"booking_mode"`
	MaxDetourKM   *float64    `json:"max_detour_km"`
	SharePartners sharingBody `json:"share_with_partners"`
}

type seriesResponse struct {
	ID           string                  `json:"id"`
	Driver       personResponse          `json:"driver"`
	CarID        string                  `json:"car_id"`
	From         placeResponse           `json:"from"`
	To           placeResponse           `json:"to"`
	Weekdays     []string                `json:"weekdays"`
	DepartTime   string                  `json:"depart_time"`
	TimeZone     string                  `json:"time_zone"`
	Seats        int                     `json:"seats"`
	BookingMode  string                  `json:"booking_mode"`
	Notes        string                  `json:"notes"`
	MaxDetourKM  float64                 `json:"max_detour_km"`
	StartsOn     string                  `json:"starts_on"`
	EndsOn       string                  `json:"ends_on,omitempty"`
	ReserveFrom  string                  `json:"reserve_from,omitempty"`
	ReserveUntil string                  `json:"reserve_until,omitempty"`
	Status       string                  `json:"status"`
	Version      int                     `json:"version"`
	CreatedAt    string                  `json:"created_at"`
	UpdatedAt    string                  `json:"updated_at"`
	Subscription *subscriptionResponse   `json:"subscription,omitempty"`
	Subscribers  *[]subscriptionResponse `json:"subscribers,omitempty"`
	// SharePartners is the commute's own choice for partner operators, shown to its
	// driver.
	SharePartners *sharingJSON `json:"share_with_partners,omitempty"`
}

type subscriptionResponse struct {
	ID        string         `json:"id"`
	SeriesID  string         `json:"series_id"`
	Passenger personResponse `json:"passenger"`
	Weekdays  []string       `json:"weekdays"`
	Seats     int            `json:"seats"`
	Status    string         `json:"status"`
	CreatedAt string         `json:"created_at"`
	UpdatedAt string         `json:"updated_at"`
}

type occurrenceResponse struct {
	SeriesID      string `json:"series_id"`
	Date          string `json:"date"`
	Status        string `json:"status"`
	RideID        string `json:"ride_id,omitempty"`
	ReservationID string `json:"reservation_id,omitempty"`
}

type subscribeResponse struct {
	Subscription subscriptionResponse `json:"subscription"`
	Bookings     []bookingSummary     `json:"bookings"`
}

// bookingSummary is a booking the caller holds, as a subscription made it.
type bookingSummary struct {
	ID     string `json:"id"`
	RideID string `json:"ride_id"`
	Seats  int    `json:"seats"`
	Status string `json:"status"`
}

type commuteDayResponse struct {
	SeriesID      string  `json:"series_id"`
	Date          string  `json:"date"`
	DepartAt      string  `json:"depart_at"`
	From          string  `json:"from"`
	To            string  `json:"to"`
	Role          string  `json:"role"`
	Status        string  `json:"status"`
	RideID        string  `json:"ride_id,omitempty"`
	BookingStatus *string `json:"booking_status,omitempty"`
}

type commuteWeekResponse struct {
	From string               `json:"from"`
	To   string               `json:"to"`
	Days []commuteDayResponse `json:"days"`
}

func seriesOut(sr carpool.Series, driver app.Person) seriesResponse {
	return seriesResponse{
		ID: sr.ID, Driver: personOut(driver), CarID: sr.CarID, From: placeOut(sr.From), To: placeOut(sr.To),
		Weekdays: sr.Weekdays.Names(), DepartTime: sr.DepartTime.String(), TimeZone: sr.TimeZone,
		Seats: sr.Seats, BookingMode: string(sr.BookingMode), Notes: sr.Notes, MaxDetourKM: sr.DetourKM,
		StartsOn: sr.StartsOn.String(), EndsOn: sr.EndsOn.String(),
		ReserveFrom: clockOut(sr, sr.ReserveFrom), ReserveUntil: clockOut(sr, sr.ReserveUntil),
		Status: string(sr.Status), Version: sr.Version,
		CreatedAt: timestamp(sr.CreatedAt), UpdatedAt: timestamp(sr.UpdatedAt),
	}
}

func clockOut(sr carpool.Series, c carpool.Clock) string {
	if !sr.UsesPoolCar() {
		return ""
	}
	return c.String()
}

func subscriptionOut(sub carpool.Subscription, p app.Person) subscriptionResponse {
	return subscriptionResponse{
		ID: sub.ID, SeriesID: sub.SeriesID, Passenger: personOut(p), Weekdays: sub.Weekdays.Names(),
		Seats: sub.Seats, Status: string(sub.Status), CreatedAt: timestamp(sub.CreatedAt), UpdatedAt: timestamp(sub.UpdatedAt),
	}
}

func occurrenceOut(o carpool.Occurrence) occurrenceResponse {
	return occurrenceResponse{SeriesID: o.SeriesID, Date: o.On.String(), Status: string(o.Status), RideID: o.RideID, ReservationID: o.ReservationID}
}

// dateIn reads a YYYY-MM-DD field; "" is the zero Date.
func dateIn(field, v string) (carpool.Date, error) {
	if v == "" {
		return carpool.Date{}, nil
	}
	d, err := carpool.ParseDate(v)
	if err != nil {
		return d, carpool.FieldErrorf(carpool.EINVALID, field, "%s must be a date like 2026-01-02", carpool.FieldName(field))
	}
	return d, nil
}

func clockIn(field, v string) (carpool.Clock, error) {
	c, err := carpool.ParseClock(v)
	if err != nil {
		return c, carpool.FieldErrorf(carpool.EINVALID, field, "%s must be a time of day like 07:30", carpool.FieldName(field))
	}
	return c, nil
}

func weekdaysIn(names []string) (carpool.Weekdays, error) {
	w, err := carpool.ParseWeekdays(names)
	if err != nil {
		return 0, carpool.FieldErrorf(carpool.EINVALID, "weekdays", "weekdays must be names like mon, tue, wed")
	}
	return w, nil
}

func (s *Server) createSeries(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	var req seriesRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	in := carpool.SeriesInput{CarID: req.CarID, TimeZone: req.TimeZone, BookingMode: carpool.BookingMode(req.BookingMode), Notes: req.Notes,
		DetourKM: req.MaxDetourKM, Sharing: req.SharePartners.Value}
	// What the body lacks or cannot hold is reported all at once.
	var errs []error
	if in.CarID == "" {
		errs = append(errs, required("car_id"))
	}
	var err error
	in.From, err = placeIn(req.From, "from")
	errs = append(errs, err)
	in.To, err = placeIn(req.To, "to")
	errs = append(errs, err)
	in.Weekdays, err = weekdaysIn(req.Weekdays)
	errs = append(errs, err)
	in.DepartTime, err = clockIn("depart_time", req.DepartTime)
	errs = append(errs, err)
	if req.Seats == nil {
		errs = append(errs, required("seats"))
	} else {
		in.Seats = *req.Seats
	}
	in.StartsOn, err = dateIn("starts_on", req.StartsOn)
	errs = append(errs, err)
	in.EndsOn, err = dateIn("ends_on", req.EndsOn)
	errs = append(errs, err)
	if req.ReserveFrom != "" || req.ReserveUntil != "" {
		from, err := clockIn("reserve_from", req.ReserveFrom)
		errs = append(errs, err)
		until, err := clockIn("reserve_until", req.ReserveUntil)
		errs = append(errs, err)
		in.ReserveFrom, in.ReserveUntil = &from, &until
	}
	if err := carpool.JoinInvalid(errs...); err != nil {
		return err
	}
	sr, err := s.app.OfferSeries(r.Context(), me, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/commutes/"+sr.ID)
	w.Header().Set("ETag", etag(sr.Version))
	out := seriesOut(sr, self(me))
	out.SharePartners = sharingOut(sr.Sharing)
	return s.writeJSON(w, r, http.StatusCreated, out)
}

// listSeries lists the caller's commutes: role=driver (default) those they drive,
// role=passenger those they subscribe to. A member has few, so there is one page.
func (s *Server) listSeries(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	c, err := s.app.Commutes(r.Context(), me)
	if err != nil {
		return err
	}
	var out []seriesResponse
	switch role := r.URL.Query().Get("role"); role {
	case "", "driver":
		for _, sr := range c.Driving {
			o := seriesOut(sr, self(me))
			o.SharePartners = sharingOut(sr.Sharing)
			out = append(out, o)
		}
	case "passenger":
		for _, rs := range c.Riding {
			o := seriesOut(rs.Series, app.Person{ID: rs.Series.DriverID, Name: rs.Driver})
			sub := subscriptionOut(rs.Subscription, self(me))
			o.Subscription = &sub
			out = append(out, o)
		}
	default:
		return carpool.FieldErrorf(carpool.EINVALID, "role", "role must be driver or passenger")
	}
	return s.writeJSON(w, r, http.StatusOK, newList(out, ""))
}

func (s *Server) getSeries(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	return s.writeSeries(w, r, me, r.PathValue("id"), http.StatusOK)
}

// writeSeries answers with one series as me sees it: the driver with every subscriber,
// a passenger with their own subscription.
func (s *Server) writeSeries(w http.ResponseWriter, r *http.Request, me carpool.Member, id string, status int) error {
	v, err := s.app.Series(r.Context(), me, id)
	if err != nil {
		return err
	}
	driver := v.Driver
	if v.IsDriver(me) {
		driver = self(me)
	}
	out := seriesOut(v.Series, driver)
	if v.Mine != nil {
		sub := subscriptionOut(*v.Mine, self(me))
		out.Subscription = &sub
	}
	if v.IsDriver(me) {
		list := make([]subscriptionResponse, len(v.Subscribers))
		for i, sub := range v.Subscribers {
			list[i] = subscriptionOut(sub.Subscription, sub.Person)
		}
		out.Subscribers = &list
		out.SharePartners = sharingOut(v.Series.Sharing)
	}
	w.Header().Set("ETag", etag(v.Series.Version))
	return s.writeJSON(w, r, status, out)
}

func (s *Server) patchSeries(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var req seriesPatch
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	var p carpool.SeriesPatch
	if req.DepartTime != nil {
		c, err := clockIn("depart_time", *req.DepartTime)
		if err != nil {
			return err
		}
		p.DepartTime = &c
	}
	p.Seats, p.DetourKM, p.Sharing = req.Seats, req.MaxDetourKM, req.SharePartners.patch()
	if req.BookingMode != nil {
		m := carpool.BookingMode(*req.BookingMode)
		p.BookingMode = &m
	}
	sr, err := s.app.UpdateSeries(r.Context(), me, r.PathValue("id"), version, p)
	if err != nil {
		return err
	}
	return s.writeSeries(w, r, me, sr.ID, http.StatusOK)
}

func (s *Server) endSeries(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	sr, err := s.app.EndSeries(r.Context(), me, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeSeries(w, r, me, sr.ID, http.StatusOK)
}

type dateBody struct {
	Date string `json:"date"`
}

func (s *Server) readDate(w http.ResponseWriter, r *http.Request) (carpool.Date, error) {
	var req dateBody
	if err := s.decode(w, r, &req); err != nil {
		return carpool.Date{}, err
	}
	if req.Date == "" {
		return carpool.Date{}, required("date")
	}
	return dateIn("date", req.Date)
}

func (s *Server) skipSeriesDate(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	d, err := s.readDate(w, r)
	if err != nil {
		return err
	}
	o, err := s.app.SkipSeriesDate(r.Context(), me, r.PathValue("id"), d)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, occurrenceOut(o))
}

// listOccurrences lists a series' days from ?from= to ?to= (default: today's date in
// UTC and four weeks on).
func (s *Server) listOccurrences(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	q := r.URL.Query()
	from, err := dateIn("from", q.Get("from"))
	if err != nil {
		return err
	}
	if from.IsZero() {
		from = carpool.DateOf(s.app.Now())
	}
	to, err := dateIn("to", q.Get("to"))
	if err != nil {
		return err
	}
	if to.IsZero() {
		to = from.AddDays(27)
	}
	occs, err := s.app.Occurrences(r.Context(), me, r.PathValue("id"), from, to)
	if err != nil {
		return err
	}
	out := make([]occurrenceResponse, len(occs))
	for i, o := range occs {
		out[i] = occurrenceOut(o)
	}
	return s.writeJSON(w, r, http.StatusOK, newList(out, ""))
}

type subscribeBody struct {
	Weekdays []string `json:"weekdays"`
	Seats    *int     `json:"seats"`
}

func (s *Server) subscribe(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	var req subscribeBody
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	days, err := weekdaysIn(req.Weekdays)
	if err != nil {
		return err
	}
	seats := 1
	if req.Seats != nil {
		seats = *req.Seats
		if seats < 1 {
			return carpool.FieldErrorf(carpool.EINVALID, "seats", "seats must be at least 1")
		}
	}
	sub, bookings, err := s.app.Subscribe(r.Context(), me, r.PathValue("id"), days, seats)
	if err != nil {
		return err
	}
	out := subscribeResponse{Subscription: subscriptionOut(sub, self(me)), Bookings: make([]bookingSummary, len(bookings))}
	for i, b := range bookings {
		out.Bookings[i] = bookingSummary{ID: b.ID, RideID: b.RideID, Seats: b.Seats, Status: string(b.Status)}
	}
	return s.writeJSON(w, r, http.StatusCreated, out)
}

func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	sub, err := s.app.Unsubscribe(r.Context(), me, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, subscriptionOut(sub, self(me)))
}

func (s *Server) leaveSeriesDate(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	d, err := s.readDate(w, r)
	if err != nil {
		return err
	}
	b, err := s.app.LeaveSeriesDate(r.Context(), me, r.PathValue("id"), d)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, bookingSummary{ID: b.ID, RideID: b.RideID, Seats: b.Seats, Status: string(b.Status)})
}

// commuteWeek shows the caller's commutes on the seven days from ?from= (default today
// in UTC).
func (s *Server) commuteWeek(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	from, err := dateIn("from", r.URL.Query().Get("from"))
	if err != nil {
		return err
	}
	if from.IsZero() {
		from = carpool.DateOf(s.app.Now())
	}
	week, err := s.app.Week(r.Context(), me, from)
	if err != nil {
		return err
	}
	out := commuteWeekResponse{From: week.From.String(), To: week.To.String(), Days: []commuteDayResponse{}}
	for _, d := range week.Days {
		day := commuteDayResponse{
			SeriesID: d.Series.ID, Date: d.Occurrence.On.String(), DepartAt: timestamp(d.Series.DepartAt(d.Occurrence.On)),
			From: d.Series.From.Label, To: d.Series.To.Label, Role: "passenger", Status: string(d.Occurrence.Status),
			RideID: d.Occurrence.RideID,
		}
		if d.Ride != nil {
			day.DepartAt = timestamp(d.Ride.DepartAt)
			if d.Ride.Status == carpool.RideCancelled && d.Occurrence.Status == carpool.OccurrenceScheduled {
				day.Status = "cancelled"
			}
		}
		if d.Driving {
			day.Role = "driver"
		}
		if d.Mine != nil {
			st := string(d.Mine.Status)
			day.BookingStatus = &st
		}
		out.Days = append(out.Days, day)
	}
	return s.writeJSON(w, r, http.StatusOK, out)
}

package httpapi

import (
	"net/http"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

type placeBody struct {
	Label string   `json:"label"`
	Lat   *float64 `json:"lat"`
	Lon   *float64 `json:"lon"`
}

type rideRequest struct {
	CarID         string     `json:"car_id"`
	ReservationID string     `json:"reservation_id"`
	From          *placeBody `json:"from"`
	To            *placeBody `json:"to"`
	DepartAt      string     `json:"depart_at"`
	Seats         *int       `json:"seats"`
	BookingMode   string     `json:"booking_mode"`
	Notes         string     `json:"notes"`
	MaxDetourKM   *float64   `json:"max_detour_km"`
	// SharePartners overrides the driver's profile choice for this ride.
	SharePartners sharingBody `json:"share_with_partners"`
}

type ridePatch struct {
	DepartAt      *string     `json:"depart_at"`
	Seats         *int        `json:"seats"`
	BookingMode   *string     `json:"booking_mode"`
	Notes         *string     `json:"notes"`
	MaxDetourKM   *float64    `json:"max_detour_km"`
	SharePartners sharingBody `json:"share_with_partners"`
}

type placeResponse struct {
	Label string  `json:"label"`
	Lat   float64 `json:"lat"`
	Lon   float64 `json:"lon"`
}

// personResponse is another member as a ride shows them: contact details only where
// carpool.ContactVisible allows.
type personResponse struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

type rideResponse struct {
	ID            string              `json:"id"`
	Driver        personResponse      `json:"driver"`
	CarID         string              `json:"car_id"`
	ReservationID string              `json:"reservation_id,omitempty"`
	From          placeResponse       `json:"from"`
	To            placeResponse       `json:"to"`
	DepartAt      string              `json:"depart_at"`
	Seats         int                 `json:"seats"`
	SeatsTaken    int                 `json:"seats_taken"`
	FreeSeats     int                 `json:"free_seats"`
	BookingMode   string              `json:"booking_mode"`
	Notes         string              `json:"notes"`
	Status        string              `json:"status"`
	Version       int                 `json:"version"`
	CreatedAt     string              `json:"created_at"`
	UpdatedAt     string              `json:"updated_at"`
	FromKM        *float64            `json:"from_km,omitempty"`
	ToKM          *float64            `json:"to_km,omitempty"`
	Bookings      *[]passengerBooking `json:"bookings,omitempty"`
	MaxDetourKM   float64             `json:"max_detour_km"`
	DetourKM      *float64            `json:"detour_km,omitempty"`
	PickupAt      string              `json:"pickup_at,omitempty"`
	ParkingSpace  *heldSpace          `json:"parking_space,omitempty"`
	// SharePartners is the ride's own choice for partner operators, shown to its driver.
	SharePartners *sharingJSON `json:"share_with_partners,omitempty"`
}

// heldSpace is the carpool parking space a ride holds, told to its driver.
type heldSpace struct {
	Label  string `json:"label"`
	SiteID string `json:"site_id"`
	Date   string `json:"date"`
}

// passengerBooking is a booking as the ride's driver sees it.
type passengerBooking struct {
	ID        string         `json:"id"`
	Passenger personResponse `json:"passenger"`
	Seats     int            `json:"seats"`
	Status    string         `json:"status"`
	CreatedAt string         `json:"created_at"`
	UpdatedAt string         `json:"updated_at"`
	Pickup    *placeResponse `json:"pickup,omitempty"`
	Dropoff   *placeResponse `json:"dropoff,omitempty"`
}

func placeOut(p carpool.Place) placeResponse {
	return placeResponse{Label: p.Label, Lat: p.Lat, Lon: p.Lon}
}

func personOut(p app.Person) personResponse {
	return personResponse{ID: p.ID, Name: p.Name, Email: p.Email, Phone: p.Phone}
}

// rideOut shows a ride with its driver as the application layer let the viewer see them.
func rideOut(ride carpool.Ride, driver app.Person) rideResponse {
	return rideResponse{
		ID:            ride.ID,
		Driver:        personOut(driver),
		CarID:         ride.CarID,
		ReservationID: ride.ReservationID,
		From:          placeOut(ride.From),
		To:            placeOut(ride.To),
		DepartAt:      timestamp(ride.DepartAt),
		Seats:         ride.Seats,
		SeatsTaken:    ride.SeatsTaken,
		FreeSeats:     ride.FreeSeats(),
		BookingMode:   string(ride.BookingMode),
		Notes:         ride.Notes,
		Status:        string(ride.Status),
		Version:       ride.Version,
		CreatedAt:     timestamp(ride.CreatedAt),
		UpdatedAt:     timestamp(ride.UpdatedAt),
		MaxDetourKM:   ride.DetourKM,
	}
}

// optionalPlace shows a place that may be absent.
func optionalPlace(p *carpool.Place) *placeResponse {
	if p == nil {
		return nil
	}
	out := placeOut(*p)
	return &out
}

// self is the driver as they see themselves on their own rides.
func self(me carpool.Member) app.Person {
	return app.Person{ID: me.ID, Name: me.Name, Email: me.Email, Phone: me.Phone}
}

// listRides searches open rides (DESIGN.md's parameters) or, with driver=me, lists the
// caller's own rides.
func (s *Server) listRides(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	q := r.URL.Query()
	switch d := q.Get("driver"); d {
	case "":
		return s.searchRides(w, r, me)
	case "me":
		for _, name := range []string{"from", "to", "radius_km", "depart_before", "seats", "match"} {
			if q.Has(name) {
				return carpool.FieldErrorf(carpool.EINVALID, name, "%s cannot be combined with driver=me", name)
			}
		}
		return s.listMyRides(w, r, me)
	default:
		return carpool.FieldErrorf(carpool.EINVALID, "driver", "driver must be me")
	}
}

func (s *Server) listMyRides(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	p, err := pageParam(r)
	if err != nil {
		return err
	}
	var f carpool.RideFilter
	if f.DepartAfter, err = parseTime("depart_after", r.URL.Query().Get("depart_after")); err != nil {
		return err
	}
	if f.IncludeClosed, err = boolParam(r, "include_cancelled"); err != nil {
		return err
	}
	rides, next, err := s.app.MyRides(r.Context(), me, f, p)
	if err != nil {
		return err
	}
	out := make([]rideResponse, len(rides))
	for i, ride := range rides {
		out[i] = rideOut(ride, self(me))
	}
	return s.writeJSON(w, r, http.StatusOK, newList(out, next))
}

func (s *Server) searchRides(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	q, err := rideQuery(r)
	if err != nil {
		return err
	}
	p, offset, err := offsetPage(r)
	if err != nil {
		return err
	}
	results, err := s.app.SearchRides(r.Context(), me, q, offset, p.Limit+1)
	if err != nil {
		return err
	}
	next := ""
	if len(results) > p.Limit {
		results = results[:p.Limit]
		next = offsetCursor(offset + p.Limit)
	}
	out := make([]rideResponse, len(results))
	for i, m := range results {
		out[i] = rideOut(m.Ride, m.Driver)
		out[i].FromKM, out[i].ToKM = optionalKM(q.From != nil, m.FromKM), optionalKM(q.To != nil, m.ToKM)
		out[i].DetourKM, out[i].PickupAt = optionalKM(true, m.DetourKM), timestamp(m.PickupAt)
	}
	return s.writeJSON(w, r, http.StatusOK, newList(out, next))
}

func optionalKM(asked bool, km float64) *float64 {
	if !asked {
		return nil
	}
	return &km
}

// rideQuery reads the search parameters; from and to are "LAT,LON".
func rideQuery(r *http.Request) (carpool.RideQuery, error) {
	v := r.URL.Query()
	var q carpool.RideQuery
	var err error
	if q.From, err = pointParam(v.Get("from"), "from"); err != nil {
		return q, err
	}
	if q.To, err = pointParam(v.Get("to"), "to"); err != nil {
		return q, err
	}
	if s := v.Get("radius_km"); s != "" {
		if q.RadiusKM, err = floatParam(s, "radius_km"); err != nil {
			return q, err
		}
		if q.RadiusKM <= 0 {
			return q, carpool.FieldErrorf(carpool.EINVALID, "radius_km", "radius_km must be greater than 0")
		}
	}
	switch v.Get("match") {
	case "", "ends":
	case "route":
		q.Route = true
	default:
		return q, carpool.FieldErrorf(carpool.EINVALID, "match", "match must be ends or route")
	}
	if q.DepartAfter, err = parseTime("depart_after", v.Get("depart_after")); err != nil {
		return q, err
	}
	if q.DepartBefore, err = parseTime("depart_before", v.Get("depart_before")); err != nil {
		return q, err
	}
	if s := v.Get("seats"); s != "" {
		if q.Seats, err = intParam(s, "seats"); err != nil {
			return q, err
		}
		if q.Seats < 1 {
			return q, carpool.FieldErrorf(carpool.EINVALID, "seats", "seats must be at least 1")
		}
	}
	return q, nil
}

func (s *Server) createRide(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	var req rideRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	in := carpool.RideInput{
		CarID: req.CarID, ReservationID: req.ReservationID, BookingMode: carpool.BookingMode(req.BookingMode), Notes: req.Notes,
		DetourKM: req.MaxDetourKM, Sharing: req.SharePartners.Value,
	}
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
	in.DepartAt, err = parseTime("depart_at", req.DepartAt)
	errs = append(errs, err)
	if req.Seats == nil {
		errs = append(errs, required("seats"))
	} else {
		in.Seats = *req.Seats
	}
	if err := carpool.JoinInvalid(errs...); err != nil {
		return err
	}
	ride, err := s.app.OfferRide(r.Context(), me, in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/rides/"+ride.ID)
	w.Header().Set("ETag", etag(ride.Version))
	out := rideOut(ride, self(me))
	out.SharePartners = sharingOut(ride.Sharing)
	return s.writeJSON(w, r, http.StatusCreated, out)
}

func placeIn(p *placeBody, field string) (carpool.Place, error) {
	if p == nil {
		return carpool.Place{}, required(field)
	}
	var errs []error
	if p.Lat == nil {
		errs = append(errs, required(field+".lat"))
	}
	if p.Lon == nil {
		errs = append(errs, required(field+".lon"))
	}
	if err := carpool.JoinInvalid(errs...); err != nil {
		return carpool.Place{}, err
	}
	return carpool.Place{Label: p.Label, Lat: *p.Lat, Lon: *p.Lon}, nil
}

// getRide shows a ride; its driver also gets its active bookings, with each passenger's
// contact details once their booking is confirmed.
func (s *Server) getRide(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	return s.writeRide(w, r, me, r.PathValue("id"))
}

// writeRide answers with the full view of one ride for me.
func (s *Server) writeRide(w http.ResponseWriter, r *http.Request, me carpool.Member, id string) error {
	v, err := s.app.Ride(r.Context(), me, id)
	if err != nil {
		return err
	}
	out := rideOut(v.Ride, v.Driver)
	if v.IsDriver(me) {
		list := make([]passengerBooking, len(v.Passengers))
		for i, p := range v.Passengers {
			b := p.Booking
			list[i] = passengerBooking{
				ID: b.ID, Passenger: personOut(p.Person),
				Seats: b.Seats, Status: string(b.Status), CreatedAt: timestamp(b.CreatedAt), UpdatedAt: timestamp(b.UpdatedAt),
				Pickup: optionalPlace(b.Pickup), Dropoff: optionalPlace(b.Dropoff),
			}
		}
		out.Bookings = &list
		out.SharePartners = sharingOut(v.Ride.Sharing)
	}
	if v.Space != nil {
		out.ParkingSpace = &heldSpace{Label: v.Space.Label, SiteID: v.Space.SiteID, Date: v.Space.Day.String()}
	}
	w.Header().Set("ETag", etag(v.Ride.Version))
	return s.writeJSON(w, r, http.StatusOK, out)
}

func (s *Server) patchRide(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	version, err := ifMatch(r)
	if err != nil {
		return err
	}
	var req ridePatch
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	var p carpool.RidePatch
	if req.DepartAt != nil {
		t, err := parseTime("depart_at", *req.DepartAt)
		if err != nil {
			return err
		}
		if t.IsZero() {
			return required("depart_at")
		}
		p.DepartAt = &t
	}
	p.Seats, p.Notes, p.DetourKM, p.Sharing = req.Seats, req.Notes, req.MaxDetourKM, req.SharePartners.patch()
	if req.BookingMode != nil {
		m := carpool.BookingMode(*req.BookingMode)
		p.BookingMode = &m
	}
	ride, err := s.app.UpdateRide(r.Context(), me, r.PathValue("id"), version, p)
	if err != nil {
		return err
	}
	return s.writeRide(w, r, me, ride.ID)
}

func (s *Server) cancelRide(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	freeCar, err := boolParam(r, "free_car")
	if err != nil {
		return err
	}
	ride, err := s.app.CancelRide(r.Context(), me, r.PathValue("id"), freeCar)
	if err != nil {
		return err
	}
	return s.writeRide(w, r, me, ride.ID)
}

package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"carpool/internal/carpool"
)

type findPage struct {
	Form     *form
	Sites    []carpool.Site
	Results  []resultRow
	Full     []resultRow // rides that match but lack free seats: their waitlist is open
	Searched bool
}

type resultRow struct {
	Match  carpool.RideMatch
	Driver string
}

// findRides shows the search form and, once submitted (it is a GET form, so a search can
// be bookmarked), the rides that match, best first.
func (s *Server) findRides(w http.ResponseWriter, r *http.Request, me *session) error {
	ctx := r.Context()
	sites, err := s.allSites(ctx)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	now := s.now().In(s.loc)
	f := newForm(url.Values{
		"from_site": {q.Get("from_site")}, "from": {q.Get("from")},
		"to_site": {q.Get("to_site")}, "to": {q.Get("to")},
		"after": {q.Get("after")}, "before": {q.Get("before")},
		"seats": {q.Get("seats")}, "radius": {q.Get("radius")},
	})
	p := findPage{Form: f, Sites: sites, Searched: q.Has("seats")}
	if !p.Searched {
		f.Values.Set("after", now.Format(localTimeLayout))
		f.Values.Set("before", now.Add(24*time.Hour).Format(localTimeLayout))
		f.Values.Set("seats", "1")
		f.Values.Set("radius", strconv.Itoa(carpool.DefaultRadiusKM))
		s.render(w, r, http.StatusOK, "find", me, p)
		return nil
	}
	query := carpool.RideQuery{
		From: s.pointOrSite(ctx, f, "from_site", "from", "Origin", sites),
		To:   s.pointOrSite(ctx, f, "to_site", "to", "Destination", sites),
		// Empty fields take the search defaults: from now, a week ahead, 5 km, one seat.
		RadiusKM:     optional(f, "radius", func() float64 { return f.float("radius", "Radius") }),
		DepartAfter:  optional(f, "after", func() time.Time { return f.when("after", "Earliest departure", s.loc) }),
		DepartBefore: optional(f, "before", func() time.Time { return f.when("before", "Latest departure", s.loc) }),
		Seats:        optional(f, "seats", func() int { return f.integer("seats", "Seats") }),
	}
	if f.Valid() {
		query, err = query.Normalize(s.now())
		if err == nil {
			var matches []carpool.RideMatch
			matches, err = s.store.SearchRides(ctx, query, 0, 50)
			if err == nil {
				p.Results, err = s.withDrivers(ctx, matches)
			}
			if err == nil {
				p.Full, err = s.fullRides(ctx, query)
			}
		}
		if err != nil {
			if !userFacing(err) {
				return err
			}
			f.fail(err, map[string]string{"radius_km": "radius", "depart_before": "before", "depart_after": "after"})
		}
	}
	status := http.StatusOK
	if !f.Valid() {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "find", me, p)
	return nil
}

// fullRides returns the rides that match q in every way but free seats, so a member can
// join a waitlist. The store's search leaves them out; a company's upcoming rides are few
// enough to rank here.
func (s *Server) fullRides(ctx context.Context, q carpool.RideQuery) ([]resultRow, error) {
	rides, err := s.allRides(ctx, carpool.RideFilter{DepartAfter: q.DepartAfter})
	if err != nil {
		return nil, err
	}
	want := q.Seats
	q.Seats = 0 // Rank then keeps rides with any number of free seats
	var full []carpool.RideMatch
	for _, m := range q.Rank(rides) {
		if m.Ride.FreeSeats() < want {
			full = append(full, m)
		}
	}
	if len(full) > 20 {
		full = full[:20]
	}
	return s.withDrivers(ctx, full)
}

// pointOrSite reads a place given either as a site from the picker or as typed
// coordinates; the coordinates win when both are given.
func (s *Server) pointOrSite(ctx context.Context, f *form, siteField, pointField, label string, sites []carpool.Site) *carpool.Point {
	if pt := f.point(pointField, label); pt != nil || f.text(pointField) != "" {
		return pt
	}
	id := f.text(siteField)
	if id == "" {
		return nil
	}
	for _, site := range sites {
		if site.ID == id {
			return &carpool.Point{Lat: site.Lat, Lon: site.Lon}
		}
	}
	f.fieldError(siteField, "choose a site from the list")
	return nil
}

func (s *Server) withDrivers(ctx context.Context, matches []carpool.RideMatch) ([]resultRow, error) {
	ids := make([]string, len(matches))
	for i, m := range matches {
		ids[i] = m.Ride.DriverID
	}
	names, err := s.members(ctx, ids...)
	if err != nil {
		return nil, err
	}
	rows := make([]resultRow, len(matches))
	for i, m := range matches {
		rows[i] = resultRow{Match: m, Driver: names[m.Ride.DriverID].Name}
	}
	return rows, nil
}

type ridePage struct {
	Ride       carpool.Ride
	Car        carpool.Car
	Driver     carpool.Member
	ShowDriver bool // contact details of the driver
	IsDriver   bool
	Mine       *carpool.Booking
	Passengers []passengerView
	Form       *form
	Bookable   bool
}

type passengerView struct {
	Booking carpool.Booking
	Member  carpool.Member
	Contact bool
}

func (s *Server) rideDetail(w http.ResponseWriter, r *http.Request, me *session) error {
	f := newForm(url.Values{"seats": {"1"}})
	return s.showRide(w, r, me, r.PathValue("id"), f, http.StatusOK)
}

// showRide renders a ride as the viewer may see it: the driver sees every active booking
// with names; contact details appear only between the driver and confirmed passengers.
func (s *Server) showRide(w http.ResponseWriter, r *http.Request, me *session, id string, f *form, status int) error {
	ctx := r.Context()
	ride, err := s.store.Ride(ctx, id)
	if err != nil {
		return err
	}
	car, err := s.store.Car(ctx, ride.CarID)
	if err != nil {
		return err
	}
	bookings, err := s.allBookings(ctx, carpool.BookingFilter{RideID: ride.ID, ActiveOnly: true})
	if err != nil {
		return err
	}
	ids := []string{ride.DriverID}
	for _, b := range bookings {
		ids = append(ids, b.PassengerID)
	}
	people, err := s.members(ctx, ids...)
	if err != nil {
		return err
	}
	p := ridePage{
		Ride: ride, Car: car, Driver: people[ride.DriverID], Form: f,
		IsDriver:   ride.DriverID == me.Member.ID,
		ShowDriver: carpool.ContactVisible(ride, bookings, me.Member.ID, ride.DriverID),
		Bookable:   ride.Bookable(s.now()) == nil,
	}
	for i, b := range bookings {
		if b.PassengerID == me.Member.ID {
			p.Mine = &bookings[i]
		}
		if p.IsDriver {
			p.Passengers = append(p.Passengers, passengerView{
				Booking: b, Member: people[b.PassengerID],
				Contact: carpool.ContactVisible(ride, bookings, me.Member.ID, b.PassengerID),
			})
		}
	}
	s.render(w, r, status, "ride", me, p)
	return nil
}

// book asks for seats: confirmed at once, a request for the driver, or a place on the
// waitlist, as the ride's mode and free seats decide.
func (s *Server) book(w http.ResponseWriter, r *http.Request, me *session) error {
	id := r.PathValue("id")
	f := newForm(url.Values{"seats": {r.PostFormValue("seats")}})
	req := carpool.BookingRequest{Seats: f.integer("seats", "Seats"), Waitlist: r.PostFormValue("waitlist") == "1"}
	if f.Valid() {
		b, err := s.store.BookSeats(r.Context(), id, me.Member, req)
		if err == nil {
			done := map[carpool.BookingStatus]string{
				carpool.BookingConfirmed: "booked", carpool.BookingPending: "requested", carpool.BookingWaitlisted: "waitlisted",
			}[b.Status]
			redirect(w, r, "/rides/"+url.PathEscape(id), done)
			return nil
		}
		if !userFacing(err) {
			return err
		}
		f.fail(err, nil)
	}
	return s.showRide(w, r, me, id, f, http.StatusConflict)
}

// bookingAction confirms, rejects (driver) or cancels (driver or passenger) a booking.
func (s *Server) bookingAction(w http.ResponseWriter, r *http.Request, me *session) error {
	ctx := r.Context()
	b, err := s.store.Booking(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	if b.PassengerID != me.Member.ID && b.DriverID != me.Member.ID {
		return carpool.Errorf(carpool.ENOTFOUND, "booking not found")
	}
	var done string
	switch r.PathValue("action") {
	case "confirm":
		_, err = s.store.ConfirmBooking(ctx, b.ID, me.Member)
		done = "confirmed"
	case "reject":
		_, err = s.store.RejectBooking(ctx, b.ID, me.Member)
		done = "rejected"
	case "cancel":
		_, err = s.store.CancelBooking(ctx, b.ID, me.Member)
		done = "cancelled"
	default:
		return carpool.Errorf(carpool.ENOTFOUND, "no such action")
	}
	if err != nil {
		if !userFacing(err) {
			return err
		}
		f := newForm(url.Values{"seats": {"1"}})
		f.Message = carpool.ErrorMessage(err)
		return s.showRide(w, r, me, b.RideID, f, http.StatusConflict)
	}
	redirect(w, r, "/rides/"+url.PathEscape(b.RideID), done)
	return nil
}

func (s *Server) cancelRide(w http.ResponseWriter, r *http.Request, me *session) error {
	id := r.PathValue("id")
	if _, err := s.store.CancelRide(r.Context(), id, me.Member); err != nil {
		if !userFacing(err) {
			return err
		}
		f := newForm(url.Values{"seats": {"1"}})
		f.Message = carpool.ErrorMessage(err)
		return s.showRide(w, r, me, id, f, http.StatusConflict)
	}
	redirect(w, r, "/", "rideCancelled")
	return nil
}

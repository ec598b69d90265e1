package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

type findPage struct {
	Form     *form
	Places   map[string]*placeField
	Results  []app.RideResult
	Full     []app.RideResult // rides that match but lack free seats: their waitlist is open
	Searched bool
	// Summary says in one line what was searched; after a search the form folds behind
	// it so the results start within the first screen of a phone.
	Summary searchSummary
	Route   bool // the results were matched along the route
	// Along is the query string that carries the searcher's ends to a result's page, so
	// a booking made there records the pickup and drop-off.
	Along template.URL
	// Pickup and Dropoff are the searcher's ends on a search along the route, which the
	// results map draws each ride's line through.
	Pickup, Dropoff *carpool.Place
}

var findInputs = []string{"from", "from_address", "from_coords", "to", "to_address", "to_coords", "when", "day", "after", "before", "seats", "radius", "match"}

// searchSummary is what a search asked for: the two ends (empty for anywhere), the day
// (zero for any time in the coming week) and the seats.
type searchSummary struct {
	From, To string
	Day      time.Time
	Seats    int
}

// anyTimeWindow is how far ahead a search for "any time" looks: a commuter's week.
const anyTimeWindow = 7 * 24 * time.Hour

// maxResults and maxFull bound the rides one search page shows.
const (
	maxResults = 50
	maxFull    = 20
)

// findRides shows the search form and, once submitted (it is a GET form, so a search can
// be bookmarked), the rides that match, best first.
func (s *Server) findRides(w http.ResponseWriter, r *http.Request, me *session) error {
	ctx := r.Context()
	q := r.URL.Query()
	now := s.now().In(s.zone(me))
	f := copyInputs(r, findInputs...)
	lookup := lookupField(r, "from", "to")
	places, err := s.placeFields(ctx, me.Member, f, lookup,
		placeField{Name: "from", Legend: "place.from", Optional: true}, placeField{Name: "to", Legend: "place.to", Optional: true})
	if err != nil {
		return err
	}
	p := findPage{Form: f, Places: places, Searched: q.Has("seats") && lookup == ""}
	if !q.Has("seats") {
		f.Values.Set("when", "day")
		f.Values.Set("day", now.Format(dateLayout))
		f.Values.Set("seats", "1")
		f.Values.Set("radius", strconv.Itoa(carpool.DefaultRadiusKM))
		f.Values.Set("match", "route")
	}
	if !p.Searched {
		s.render(w, r, http.StatusOK, "find", me, p)
		return nil
	}
	from, err := s.readPlace(ctx, me.Member, f, "from")
	if err != nil {
		return err
	}
	to, err := s.readPlace(ctx, me.Member, f, "to")
	if err != nil {
		return err
	}
	// Along the route needs both ends; with one end the search compares end points.
	p.Route = f.text("match") != "ends" && from != nil && to != nil
	if p.Route {
		// Encode makes it a safe query string; html/template must not escape it again.
		p.Along = template.URL("?" + url.Values{"pickup": {atValue(*from)}, "dropoff": {atValue(*to)}}.Encode())
		p.Pickup, p.Dropoff = from, to
	}
	after, before, day := s.searchWindow(f, now)
	query := carpool.RideQuery{
		From:  placePoint(from),
		To:    placePoint(to),
		Route: p.Route,
		// Empty fields take the search defaults: 5 km, one seat.
		RadiusKM:     optional(f, "radius", func() float64 { return f.float("radius", "field.radius") }),
		DepartAfter:  after,
		DepartBefore: before,
		Seats:        optional(f, "seats", func() int { return f.integer("seats", "field.seats") }),
	}
	p.Summary = searchSummary{Day: day, Seats: max(query.Seats, 1)}
	if from != nil {
		p.Summary.From = from.Label
	}
	if to != nil {
		p.Summary.To = to.Label
	}
	if f.Valid() {
		p.Results, err = s.app.SearchRides(ctx, me.Member, query, 0, maxResults)
		if err == nil {
			p.Full, err = s.app.FullRides(ctx, me.Member, query, maxFull)
		}
		if err != nil {
			if !userFacing(err) {
				return err
			}
			f.fail(r, err, map[string]string{"radius_km": "radius", "depart_before": "before", "depart_after": "after"})
			p.Results, p.Full = nil, nil
		}
	}
	status := http.StatusOK
	if !f.Valid() {
		status = f.status()
	}
	s.render(w, r, status, "find", me, p)
	return nil
}

// searchWindow reads when the searcher wants to leave: the whole chosen day (from now
// when that day is today), or any time in the coming week. A search that still carries
// an exact window (after, before: older bookmarks) keeps it. day is the chosen day's
// midnight, zero for any time. Days are read in the zone of now, the reader's.
func (s *Server) searchWindow(f *form, now time.Time) (after, before, day time.Time) {
	if f.text("after") != "" || f.text("before") != "" {
		after = optional(f, "after", func() time.Time { return f.when("after", "field.earliest_departure", now.Location()) })
		before = optional(f, "before", func() time.Time { return f.when("before", "field.latest_departure", now.Location()) })
		return after, before, time.Time{}
	}
	if f.Get("when") == "any" || f.text("day") == "" {
		f.Values.Set("when", "any")
		return now, now.Add(anyTimeWindow), time.Time{}
	}
	d, err := time.ParseInLocation(dateLayout, f.text("day"), now.Location())
	if err != nil {
		f.fieldError("day", f.say("form.must_be_date", "Field", f.say("find.day"), "Example", now.Format(dateLayout)))
		return time.Time{}, time.Time{}, time.Time{}
	}
	end := d.AddDate(0, 0, 1) // a calendar day, 23 or 25 hours long on the days clocks change
	if !end.After(now) {
		f.fieldError("day", f.say("form.day_in_the_past", "Field", f.say("find.day")))
		return time.Time{}, time.Time{}, time.Time{}
	}
	after = d
	if now.After(d) {
		after = now
	}
	return after, end, d
}

// placePoint returns a place's point, nil for no place.
func placePoint(p *carpool.Place) *carpool.Point {
	if p == nil {
		return nil
	}
	pt := p.Point()
	return &pt
}

type ridePage struct {
	app.RideView
	IsDriver bool
	Form     *form
	Bookable bool
	Thread   *threadPart // nil unless the viewer is matched on the ride
	// Pickup and Dropoff are where the searcher wants to board and leave (from a route
	// search); Insertion and PickupAt say what that costs the driver and when.
	Pickup, Dropoff *carpool.Place
	Insertion       carpool.Insertion
	PickupAt        time.Time
	// MyPickupAt is when the driver is expected at the viewer's own pickup, when their
	// booking names one.
	MyPickupAt time.Time
	// Route is what the map draws, in the order the car goes.
	Route []mapPoint
	// CheckIn is what the viewer sees of check-in, as an occupant of the ride.
	CheckIn app.CheckInView
	// DriverNoShow is whether the viewer, a passenger, may mark the driver as not
	// there, or did.
	DriverNoShow app.DriverNoShowView
	// PoolCars offers the driver of a cancelled ride, and its passengers, the pool cars
	// free at its start site; PoolStart and PoolEnd are the offered window as the
	// reservation form's fields read it.
	PoolCars           app.PoolCarOffer
	PoolStart, PoolEnd string
}

func (s *Server) rideDetail(w http.ResponseWriter, r *http.Request, me *session) error {
	f := newForm(url.Values{"seats": {"1"}, "pickup": {r.FormValue("pickup")}, "dropoff": {r.FormValue("dropoff")}})
	return s.showRide(w, r, me, r.PathValue("id"), f, http.StatusOK)
}

// showRide renders a ride as the viewer may see it: the driver sees every active booking
// with names; contact details appear only between the driver and confirmed passengers.
func (s *Server) showRide(w http.ResponseWriter, r *http.Request, me *session, id string, f *form, status int) error {
	v, err := s.app.Ride(r.Context(), me.Member, id)
	if err != nil {
		return err
	}
	p := ridePage{RideView: v, IsDriver: v.IsDriver(me.Member), Form: f, Bookable: v.Ride.Bookable(s.now()) == nil}
	if p.Thread, err = s.loadThread(r.Context(), me.Member, v.Ride); err != nil {
		return err
	}
	if p.IsDriver && f.Get("detour") == "" {
		f.Values.Set("detour", strconv.FormatFloat(v.Ride.DetourKM, 'f', -1, 64))
	}
	if p.IsDriver && f.Get("depart") == "" {
		f.Values.Set("depart", v.Ride.DepartAt.In(s.zone(me)).Format(localTimeLayout))
	}
	pickup, ok1 := parseAt(f.Get("pickup"))
	dropoff, ok2 := parseAt(f.Get("dropoff"))
	if ok1 && ok2 {
		p.Pickup, p.Dropoff = &pickup, &dropoff
		p.Insertion = v.Ride.Insert(placePoint(p.Pickup), placePoint(p.Dropoff))
		p.PickupAt = v.Ride.PickupAt(p.Insertion)
	}
	if v.Mine != nil {
		p.MyPickupAt, _ = v.Mine.PickupAt(v.Ride)
	}
	p.Route = routePoints(s.printer(r, me), p)
	if p.CheckIn, err = s.app.RideCheckIn(r.Context(), me.Member, v); err != nil {
		return err
	}
	if p.DriverNoShow, err = s.app.RideDriverNoShow(r.Context(), me.Member, v); err != nil {
		return err
	}
	if p.PoolCars, err = s.app.LostRidePoolCars(r.Context(), me.Member, v); err != nil {
		return err
	}
	p.PoolStart = p.PoolCars.Start.In(s.zone(me)).Format(localTimeLayout)
	p.PoolEnd = p.PoolCars.End.In(s.zone(me)).Format(localTimeLayout)
	s.render(w, r, status, "ride", me, p)
	return nil
}

// book asks for seats: confirmed at once, a request for the driver, or a place on the
// waitlist, as the ride's mode and free seats decide.
func (s *Server) book(w http.ResponseWriter, r *http.Request, me *session) error {
	id := r.PathValue("id")
	f := copyInputs(r, "seats", "pickup", "dropoff")
	req := carpool.BookingRequest{Seats: f.integer("seats", "field.seats"), Waitlist: r.PostFormValue("waitlist") == "1"}
	// The points come from the search that led here; a tampered one is simply dropped
	// (the booking is valid without them) unless the domain refuses its range.
	if p, ok := parseAt(f.Get("pickup")); ok {
		if d, ok := parseAt(f.Get("dropoff")); ok {
			req.Pickup, req.Dropoff = &p, &d
		}
	}
	if f.Valid() {
		b, err := s.app.Book(r.Context(), me.Member, id, req)
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
		f.fail(r, err, nil)
	}
	return s.showRide(w, r, me, id, f, f.status())
}

// bookingAction confirms, rejects (driver) or cancels (driver or passenger) a booking.
func (s *Server) bookingAction(w http.ResponseWriter, r *http.Request, me *session) error {
	ctx := r.Context()
	b, err := s.app.Booking(ctx, me.Member, r.PathValue("id"))
	if err != nil {
		return err
	}
	var done string
	switch r.PathValue("action") {
	case "confirm":
		_, err = s.app.ConfirmBooking(ctx, me.Member, b.ID)
		done = "confirmed"
	case "reject":
		_, err = s.app.RejectBooking(ctx, me.Member, b.ID)
		done = "rejected"
	case "no-show":
		_, err = s.app.MarkNoShow(ctx, me.Member, b.ID)
		done = "noShow"
	case "driver-no-show":
		_, err = s.app.MarkDriverNoShow(ctx, me.Member, b.ID)
		done = "driverNoShow"
	case "cancel":
		if !confirmed(r) {
			return s.confirmBookingCancel(w, r, me, b)
		}
		_, err = s.app.CancelBooking(ctx, me.Member, b.ID)
		done = "cancelled"
	default:
		return carpool.Errorf(carpool.ENOTFOUND, "no such action")
	}
	if err != nil {
		return s.rideRefused(w, r, me, b.RideID, err)
	}
	redirect(w, r, "/rides/"+url.PathEscape(b.RideID), done)
	return nil
}

func (s *Server) cancelRide(w http.ResponseWriter, r *http.Request, me *session) error {
	id := r.PathValue("id")
	if !confirmed(r) {
		return s.confirmRideCancel(w, r, me, id)
	}
	if _, err := s.app.CancelRide(r.Context(), me.Member, id, r.PostFormValue("free_car") == "yes"); err != nil {
		return s.rideRefused(w, r, me, id, err)
	}
	redirect(w, r, "/", "rideCancelled")
	return nil
}

// changeDetour sets a new detour budget on a ride the member drives. The version the
// page showed guards against overwriting a change made meanwhile; a budget too small for
// a confirmed passenger is refused beside the input.
func (s *Server) changeDetour(w http.ResponseWriter, r *http.Request, me *session) error {
	id := r.PathValue("id")
	f := copyInputs(r, "detour", "version")
	km := f.float("detour", "field.detour")
	version, _ := strconv.Atoi(f.Get("version"))
	if f.Valid() {
		_, err := s.app.UpdateRide(r.Context(), me.Member, id, version, carpool.RidePatch{DetourKM: &km})
		if err == nil {
			redirect(w, r, "/rides/"+url.PathEscape(id), "detourChanged")
			return nil
		}
		if !userFacing(err) {
			return err
		}
		f.fail(r, err, map[string]string{"max_detour_km": "detour"})
	}
	f.Values.Set("seats", "1")
	return s.showRide(w, r, me, id, f, f.status())
}

// changeDeparture moves a ride the member drives to another time, on their clock; every
// passenger with a booking is told (ride.updated) with their own pickup time. The version
// the page showed guards against overwriting a change made meanwhile.
func (s *Server) changeDeparture(w http.ResponseWriter, r *http.Request, me *session) error {
	id := r.PathValue("id")
	f := copyInputs(r, "depart", "version")
	at := f.when("depart", "field.departure", s.zone(me))
	version, _ := strconv.Atoi(f.Get("version"))
	if f.Valid() {
		_, err := s.app.UpdateRide(r.Context(), me.Member, id, version, carpool.RidePatch{DepartAt: &at})
		if err == nil {
			redirect(w, r, "/rides/"+url.PathEscape(id), "departureChanged")
			return nil
		}
		if !userFacing(err) {
			return err
		}
		f.fail(r, err, map[string]string{"depart_at": "depart"})
	}
	f.Values.Set("seats", "1")
	return s.showRide(w, r, me, id, f, f.status())
}

// rideRefused shows the ride again with the reason an action on it was refused.
func (s *Server) rideRefused(w http.ResponseWriter, r *http.Request, me *session, rideID string, err error) error {
	if !userFacing(err) {
		return err
	}
	f := newForm(url.Values{})
	f.fail(r, err, nil) // the form shows no inputs yet, so the reason becomes its message
	f.Values.Set("seats", "1")
	return s.showRide(w, r, me, rideID, f, f.status())
}

// confirmRideCancel asks the driver before cancelling, naming the passengers who lose
// their seats.
func (s *Server) confirmRideCancel(w http.ResponseWriter, r *http.Request, me *session, id string) error {
	v, err := s.app.Ride(r.Context(), me.Member, id)
	if err != nil {
		return err
	}
	p := s.printer(r, me)
	c := confirmation{
		Title: p.T("confirm.cancel_ride", "From", v.Ride.From.Label, "To", v.Ride.To.Label),
		Verb:  p.T("confirm.cancel_ride_yes"), Back: "/rides/" + url.PathEscape(id),
		Consequences: []string{p.T("confirm.ride_cancelled_on", "When", s.when(p, v.Ride.DepartAt))},
	}
	var names []string
	for _, ps := range v.Passengers {
		names = append(names, ps.Person.Name+" ("+p.T("status."+string(ps.Booking.Status))+")")
	}
	if len(names) == 0 {
		c.Consequences = append(c.Consequences, p.T("confirm.nobody_booked"))
	} else {
		c.Consequences = append(c.Consequences, p.T("confirm.passengers_lose_place", "Names", strings.Join(names, ", ")))
	}
	if v.Ride.ReservationID != "" {
		// A pool car reserved for this ride is offered back with it; the driver may
		// still need it to drive alone, so they choose.
		c.Option = &confirmOption{Name: "free_car", Checked: true,
			Label: p.T("confirm.free_car", "Plate", v.Car.Plate)}
	}
	return s.askFirst(w, r, me, c)
}

// confirmBookingCancel asks before a booking ends: the passenger giving up their seats,
// or the driver removing a passenger.
func (s *Server) confirmBookingCancel(w http.ResponseWriter, r *http.Request, me *session, b carpool.Booking) error {
	v, err := s.app.Ride(r.Context(), me.Member, b.RideID)
	if err != nil {
		return err
	}
	p := s.printer(r, me)
	ride := p.T("confirm.ride_on", "From", v.Ride.From.Label, "To", v.Ride.To.Label, "When", s.when(p, v.Ride.DepartAt))
	c := confirmation{Back: "/rides/" + url.PathEscape(b.RideID)}
	if v.IsDriver(me.Member) && b.PassengerID != me.Member.ID {
		name := p.T("confirm.the_passenger")
		for _, ps := range v.Passengers {
			if ps.Booking.ID == b.ID {
				name = ps.Person.Name
			}
		}
		c.Title, c.Verb = p.T("confirm.remove", "Name", name), p.T("confirm.remove_yes", "Name", name)
		c.Consequences = []string{p.N("confirm.passenger_loses_seats", b.Seats, "Name", name, "Ride", ride)}
	} else {
		c.Title, c.Verb = p.T("confirm.cancel_booking"), p.T("confirm.cancel_booking_yes")
		c.Consequences = []string{p.N("confirm.your_seats_go_back", b.Seats, "Ride", ride), p.T("confirm.may_not_get_seat_again")}
	}
	return s.askFirst(w, r, me, c)
}

package web

import (
	"net/http"
	"net/url"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

type poolPage struct {
	Sites []siteCars
}

type siteCars struct {
	Site carpool.Site
	Cars []carpool.Car
}

// poolCars lists the pool cars of every site.
func (s *Server) poolCars(w http.ResponseWriter, r *http.Request, me *session) error {
	sites, err := s.sitesWithCars(r, me, false)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "cars", me, poolPage{Sites: sites})
	return nil
}

// sitesWithCars returns every site by name with its pool cars by plate: two list reads,
// however many sites there are.
func (s *Server) sitesWithCars(r *http.Request, me *session, retired bool) ([]siteCars, error) {
	ctx := r.Context()
	sites, err := s.app.AllSites(ctx, me.Member)
	if err != nil {
		return nil, err
	}
	cars, err := s.app.AllCars(ctx, me.Member, carpool.CarFilter{Kind: carpool.CarPool, IncludeRetired: retired})
	if err != nil {
		return nil, err
	}
	bySite := map[string][]carpool.Car{}
	for _, c := range cars {
		bySite[c.SiteID] = append(bySite[c.SiteID], c)
	}
	out := make([]siteCars, len(sites))
	for i, site := range sites {
		out[i] = siteCars{Site: site, Cars: bySite[site.ID]}
	}
	return out, nil
}

type carPage struct {
	Car      carpool.Car
	Site     carpool.Site
	Week     bool
	Date     string // the first day shown, YYYY-MM-DD
	Prev     string
	Next     string
	Days     []dayView
	Form     *form
	IsFleet  bool
	Reserved []app.HeldReservation
	Holders  map[string]app.Person // who holds the shown reservations, as the viewer may see
}

// dayView is one day of the availability view: 24 hour cells and the reservations that
// touch the day, as text for screen readers and small screens.
type dayView struct {
	Day   time.Time
	Hours []hourCell
	Busy  []carpool.Reservation
}

type hourCell struct {
	Hour int
	Kind string // "", "trip", "maintenance"
	Mine bool
}

const dateLayout = "2006-01-02"

func (s *Server) carAvailability(w http.ResponseWriter, r *http.Request, me *session) error {
	start := s.now().In(s.zone(me)).Truncate(time.Hour).Add(time.Hour)
	f := newForm(url.Values{
		"start": {start.Format(localTimeLayout)},
		"end":   {start.Add(2 * time.Hour).Format(localTimeLayout)},
	})
	return s.showCar(w, r, me, f, http.StatusOK)
}

// showCar renders a pool car's day or week of reservations and the form to reserve it.
func (s *Server) showCar(w http.ResponseWriter, r *http.Request, me *session, f *form, status int) error {
	ctx := r.Context()
	car, err := s.app.Car(ctx, me.Member, r.PathValue("id"))
	if err != nil {
		return err
	}
	if car.Kind != carpool.CarPool {
		return carpool.Errorf(carpool.ENOTFOUND, "car not found")
	}
	site, err := s.app.Site(ctx, me.Member, car.SiteID)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := carPage{Car: car, Site: site, Week: q.Get("view") != "day", Form: f, IsFleet: me.Member.ManagesFleet()}
	today := s.now().In(s.zone(me))
	first := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, s.zone(me))
	if d, err := time.ParseInLocation(dateLayout, q.Get("date"), s.zone(me)); err == nil {
		first = d
	}
	days := 1
	if p.Week {
		days = 7
	}
	last := first.AddDate(0, 0, days)
	p.Date = first.Format(dateLayout)
	p.Prev = first.AddDate(0, 0, -days).Format(dateLayout)
	p.Next = last.Format(dateLayout)
	res, err := s.app.AllCarReservations(ctx, me.Member, car.ID, carpool.ReservationFilter{ActiveOnly: true, Start: first, End: last})
	if err != nil {
		return err
	}
	if p.Holders, err = s.app.Holders(ctx, me.Member, res); err != nil {
		return err
	}
	for d := 0; d < days; d++ {
		day := first.AddDate(0, 0, d)
		v := dayView{Day: day}
		for h := 0; h < 24; h++ {
			from := time.Date(day.Year(), day.Month(), day.Day(), h, 0, 0, 0, s.zone(me))
			to := from.Add(time.Hour)
			cell := hourCell{Hour: h}
			for _, x := range res {
				if x.Overlaps(from, to) {
					cell.Kind = string(x.Kind)
					cell.Mine = x.MemberID == me.Member.ID
				}
			}
			v.Hours = append(v.Hours, cell)
		}
		for _, x := range res {
			if x.Overlaps(day, day.AddDate(0, 0, 1)) {
				v.Busy = append(v.Busy, x)
			}
		}
		p.Days = append(p.Days, v)
	}
	mine, err := s.app.AllMyReservations(ctx, me.Member, carpool.ReservationFilter{CarID: car.ID, ActiveOnly: true, Start: s.now()})
	if err != nil {
		return err
	}
	for _, x := range mine {
		p.Reserved = append(p.Reserved, app.HeldReservation{Reservation: x, Car: car})
	}
	s.render(w, r, status, "car", me, p)
	return nil
}

// reserve holds the pool car for the member's trip.
func (s *Server) reserve(w http.ResponseWriter, r *http.Request, me *session) error {
	f := newForm(url.Values{"start": {r.PostFormValue("start")}, "end": {r.PostFormValue("end")}})
	start := f.when("start", "field.start", s.zone(me))
	end := f.when("end", "field.end", s.zone(me))
	if f.Valid() {
		x, err := s.app.Reserve(r.Context(), me.Member, r.PathValue("id"), carpool.ReservationTrip, start, end)
		if err == nil {
			redirect(w, r, "/cars/"+url.PathEscape(x.CarID)+"?date="+x.Start.In(s.zone(me)).Format(dateLayout), "reserved")
			return nil
		}
		if !userFacing(err) {
			return err
		}
		f.fail(r, err, nil)
	}
	return s.showCar(w, r, me, f, f.status())
}

// cancelReservation frees a reservation (its holder or a fleet manager) and returns to
// the page the form was on.
func (s *Server) cancelReservation(w http.ResponseWriter, r *http.Request, me *session) error {
	if !confirmed(r) {
		x, err := s.app.Reservation(r.Context(), me.Member, r.PathValue("id"))
		if err != nil {
			return err
		}
		next := safeNext(r.PostFormValue("next"))
		p := s.printer(r, me)
		ends := "confirm.reservation_ends"
		if x.Kind == carpool.ReservationMaintenance {
			ends = "confirm.maintenance_ends"
		}
		c := confirmation{
			Title: p.T("confirm.cancel_reservation"), Verb: p.T("confirm.cancel_reservation_yes"), Back: next,
			Keep:         map[string]string{"next": next},
			Consequences: []string{p.T(ends, "Start", s.when(p, x.Start), "End", s.when(p, x.End))},
		}
		if x.MemberID != me.Member.ID {
			c.Consequences = append(c.Consequences, p.T("confirm.reservation_holder_told"))
		}
		return s.askFirst(w, r, me, c)
	}
	if _, err := s.app.CancelReservation(r.Context(), me.Member, r.PathValue("id")); err != nil {
		return err
	}
	redirect(w, r, safeNext(r.PostFormValue("next")), "resCancelled")
	return nil
}

type myCarsPage struct {
	Cars []carpool.Car
	Form *form
}

var carInputs = []string{"plate", "make", "model", "seats"}

func (s *Server) myCars(w http.ResponseWriter, r *http.Request, me *session) error {
	f := newForm(url.Values{"plate": {""}, "make": {""}, "model": {""}, "seats": {"4"}})
	return s.showMyCars(w, r, me, f, http.StatusOK)
}

func (s *Server) showMyCars(w http.ResponseWriter, r *http.Request, me *session, f *form, status int) error {
	cars, err := s.app.AllCars(r.Context(), me.Member, carpool.CarFilter{Kind: carpool.CarPrivate, OwnerID: me.Member.ID})
	if err != nil {
		return err
	}
	s.render(w, r, status, "mycars", me, myCarsPage{Cars: cars, Form: f})
	return nil
}

// addMyCar registers the member's own car, from which they can then offer rides.
func (s *Server) addMyCar(w http.ResponseWriter, r *http.Request, me *session) error {
	f := postedForm(r, carInputs)
	seats := readOrMissing(f, "seats", f.integer("seats", "field.car_seats"))
	// Asked even when seats could not be read (nil): the application refuses it then,
	// naming every other wrong field with it.
	{
		_, err := s.app.CreateCar(r.Context(), me.Member, app.CarInput{
			Kind: carpool.CarPrivate, Plate: f.Get("plate"), Make: f.Get("make"), Model: f.Get("model"), Seats: seats,
		})
		if err == nil {
			redirect(w, r, "/mycars", "car")
			return nil
		}
		if !userFacing(err) {
			return err
		}
		f.fail(r, err, nil)
	}
	return s.showMyCars(w, r, me, f, f.status())
}

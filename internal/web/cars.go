package web

import (
	"net/http"
	"net/url"
	"time"

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
	ctx := r.Context()
	sites, err := s.allSites(ctx)
	if err != nil {
		return err
	}
	var p poolPage
	for _, site := range sites {
		cars, err := s.allCars(ctx, carpool.CarFilter{Kind: carpool.CarPool, SiteID: site.ID})
		if err != nil {
			return err
		}
		p.Sites = append(p.Sites, siteCars{Site: site, Cars: cars})
	}
	s.render(w, r, http.StatusOK, "cars", me, p)
	return nil
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
	Reserved []reservationRow
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
	start := s.now().In(s.loc).Truncate(time.Hour).Add(time.Hour)
	f := newForm(url.Values{
		"start": {start.Format(localTimeLayout)},
		"end":   {start.Add(2 * time.Hour).Format(localTimeLayout)},
	})
	return s.showCar(w, r, me, f, http.StatusOK)
}

// showCar renders a pool car's day or week of reservations and the form to reserve it.
func (s *Server) showCar(w http.ResponseWriter, r *http.Request, me *session, f *form, status int) error {
	ctx := r.Context()
	car, err := s.store.Car(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	if car.Kind != carpool.CarPool {
		return carpool.Errorf(carpool.ENOTFOUND, "car not found")
	}
	site, err := s.store.Site(ctx, car.SiteID)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := carPage{Car: car, Site: site, Week: q.Get("view") != "day", Form: f, IsFleet: me.Member.ManagesFleet()}
	today := s.now().In(s.loc)
	first := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, s.loc)
	if d, err := time.ParseInLocation(dateLayout, q.Get("date"), s.loc); err == nil {
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
	res, err := s.allReservations(ctx, carpool.ReservationFilter{CarID: car.ID, ActiveOnly: true, Start: first, End: last})
	if err != nil {
		return err
	}
	for d := 0; d < days; d++ {
		day := first.AddDate(0, 0, d)
		v := dayView{Day: day}
		for h := 0; h < 24; h++ {
			from := time.Date(day.Year(), day.Month(), day.Day(), h, 0, 0, 0, s.loc)
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
	mine, err := s.allReservations(ctx, carpool.ReservationFilter{CarID: car.ID, MemberID: me.Member.ID, ActiveOnly: true, Start: s.now()})
	if err != nil {
		return err
	}
	for _, x := range mine {
		p.Reserved = append(p.Reserved, reservationRow{Reservation: x, Car: car})
	}
	s.render(w, r, status, "car", me, p)
	return nil
}

// reserve holds the pool car for the member's trip.
func (s *Server) reserve(w http.ResponseWriter, r *http.Request, me *session) error {
	f := newForm(url.Values{"start": {r.PostFormValue("start")}, "end": {r.PostFormValue("end")}})
	start := f.when("start", "Start", s.loc)
	end := f.when("end", "End", s.loc)
	if f.Valid() {
		x, err := s.store.CreateReservation(r.Context(), r.PathValue("id"), me.Member, carpool.ReservationTrip, start, end)
		if err == nil {
			redirect(w, r, "/cars/"+url.PathEscape(x.CarID)+"?date="+x.Start.In(s.loc).Format(dateLayout), "reserved")
			return nil
		}
		if !userFacing(err) {
			return err
		}
		f.fail(err, nil)
	}
	return s.showCar(w, r, me, f, http.StatusUnprocessableEntity)
}

// cancelReservation frees a reservation (its holder or a fleet manager) and returns to
// the page the form was on.
func (s *Server) cancelReservation(w http.ResponseWriter, r *http.Request, me *session) error {
	if _, err := s.store.CancelReservation(r.Context(), r.PathValue("id"), me.Member); err != nil {
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
	cars, err := s.allCars(r.Context(), carpool.CarFilter{Kind: carpool.CarPrivate, OwnerID: me.Member.ID})
	if err != nil {
		return err
	}
	s.render(w, r, status, "mycars", me, myCarsPage{Cars: cars, Form: f})
	return nil
}

// addMyCar registers the member's own car, from which they can then offer rides.
func (s *Server) addMyCar(w http.ResponseWriter, r *http.Request, me *session) error {
	f := newForm(url.Values{})
	for _, in := range carInputs {
		f.Values.Set(in, r.PostFormValue(in))
	}
	now := s.now()
	c := carpool.Car{
		ID: carpool.NewID(), Kind: carpool.CarPrivate, OwnerID: me.Member.ID,
		Plate: f.Get("plate"), Make: f.Get("make"), Model: f.Get("model"), Seats: f.integer("seats", "Seats"),
		Status: carpool.CarActive, Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	if f.Valid() {
		err := c.Validate()
		if err == nil {
			err = s.store.CreateCar(r.Context(), c)
		}
		if err == nil {
			redirect(w, r, "/mycars", "car")
			return nil
		}
		if !userFacing(err) {
			return err
		}
		f.fail(err, nil)
	}
	return s.showMyCars(w, r, me, f, http.StatusUnprocessableEntity)
}

package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/locale"
)

// commuteRoutes adds the recurring-commute pages: my commutes, offering a series, one
// series (subscribe, skip, leave, end) and the week view.
func (s *Server) commuteRoutes(mux *routeMux) {
	mux.Handle("GET /commutes", s.signedIn(s.myCommutes))
	mux.Handle("GET /commutes/new", s.signedIn(s.seriesForm))
	mux.Handle("POST /commutes", s.signedIn(s.offerSeries))
	mux.Handle("GET /commutes/week", s.signedIn(s.commuteWeek))
	mux.Handle("GET /commutes/{id}", s.signedIn(s.seriesDetail))
	mux.Handle("POST /commutes/{id}/subscribe", s.signedIn(s.subscribe))
	mux.Handle("POST /commutes/{id}/unsubscribe", s.signedIn(s.unsubscribe))
	mux.Handle("POST /commutes/{id}/leave", s.signedIn(s.leaveDay))
	mux.Handle("POST /commutes/{id}/skip", s.signedIn(s.skipDay))
	mux.Handle("POST /commutes/{id}/end", s.signedIn(s.endSeries))
}

// weekdayChoices are the checkboxes of a weekday set, Monday first.
var weekdayChoices = []struct {
	Value string
	Day   time.Weekday
}{
	{"mon", time.Monday}, {"tue", time.Tuesday}, {"wed", time.Wednesday},
	{"thu", time.Thursday}, {"fri", time.Friday}, {"sat", time.Saturday}, {"sun", time.Sunday},
}

// weekdayBox is one checkbox of a weekday picker; the page names Day in its language.
type weekdayBox struct {
	Value   string
	Day     time.Weekday
	Checked bool
}

func weekdayBoxes(offered, checked carpool.Weekdays) []weekdayBox {
	var out []weekdayBox
	for _, c := range weekdayChoices {
		if offered.Has(c.Day) {
			out = append(out, weekdayBox{Value: c.Value, Day: c.Day, Checked: checked.Has(c.Day)})
		}
	}
	return out
}

// postedWeekdays reads the checked weekday boxes.
func postedWeekdays(r *http.Request) carpool.Weekdays {
	var w carpool.Weekdays
	for _, c := range weekdayChoices {
		for _, v := range r.PostForm["weekdays"] {
			if v == c.Value {
				w |= carpool.DaysOf(c.Day)
			}
		}
	}
	return w
}

type commutesPage struct {
	Commutes app.Commutes
}

func (s *Server) myCommutes(w http.ResponseWriter, r *http.Request, me *session) error {
	c, err := s.app.Commutes(r.Context(), me.Member)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "commutes", me, commutesPage{Commutes: c})
	return nil
}

type seriesFormPage struct {
	Form     *form
	Places   map[string]*placeField
	Cars     []carpool.Car
	Weekdays []weekdayBox
}

// seriesFields maps the domain's field names to the series form's inputs.
var seriesFields = map[string]string{
	"from.label": "from", "from.lat": "from", "from.lon": "from",
	"to.label": "to", "to.lat": "to", "to.lon": "to",
	"booking_mode": "mode", "depart_time": "depart_time", "time_zone": "time_zone", "max_detour_km": "detour",
	"share_with_partners": "partners",
}

var seriesInputs = []string{"car_id", "from", "from_address", "from_coords", "to", "to_address", "to_coords", "weekdays",
	"depart_time", "time_zone", "seats", "mode", "starts_on", "ends_on", "reserve_from", "reserve_until", "notes", "detour", "partners"}

// seriesCars are the cars a member may offer a series in: their own and the pool cars.
func (s *Server) seriesCars(r *http.Request, me carpool.Member) ([]carpool.Car, error) {
	mine, err := s.app.AllCars(r.Context(), me, carpool.CarFilter{OwnerID: me.ID, Kind: carpool.CarPrivate})
	if err != nil {
		return nil, err
	}
	pool, err := s.app.AllCars(r.Context(), me, carpool.CarFilter{Kind: carpool.CarPool})
	if err != nil {
		return nil, err
	}
	return append(mine, pool...), nil
}

// seriesPlaces are the place fields of the series form.
func (s *Server) seriesPlaces(r *http.Request, me carpool.Member, f *form, lookup string) (map[string]*placeField, error) {
	return s.placeFields(r.Context(), me, f, lookup, placeField{Name: "from", Legend: "place.from"}, placeField{Name: "to", Legend: "place.to"})
}

func (s *Server) seriesForm(w http.ResponseWriter, r *http.Request, me *session) error {
	cars, err := s.seriesCars(r, me.Member)
	if err != nil {
		return err
	}
	f := newForm(url.Values{})
	for _, in := range seriesInputs {
		f.Values.Set(in, "")
	}
	f.Values.Set("seats", "1")
	f.Values.Set("mode", string(carpool.BookingInstant))
	f.Values.Set("detour", strconv.FormatFloat(carpool.DefaultDetourKM, 'f', -1, 64))
	f.Values.Set("depart_time", "07:30")
	f.Values.Set("partners", "profile")
	f.Values.Set("time_zone", s.zone(me).String())
	f.Values.Set("starts_on", carpool.DateOf(s.now().In(s.zone(me))).AddDays(1).String())
	places, err := s.seriesPlaces(r, me.Member, f, "")
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "commutenew", me, seriesFormPage{Form: f, Places: places, Cars: cars,
		Weekdays: weekdayBoxes(carpool.AllWeekdays, carpool.WorkWeek)})
	return nil
}

// offerSeries reads the series form into a carpool.SeriesInput; the domain checks it.
func (s *Server) offerSeries(w http.ResponseWriter, r *http.Request, me *session) error {
	ctx := r.Context()
	cars, err := s.seriesCars(r, me.Member)
	if err != nil {
		return err
	}
	f := copyInputs(r, seriesInputs...)
	days := postedWeekdays(r)
	// "Search address" submits the form to fill one place field's list, not to offer.
	if lookup := lookupField(r, "from", "to"); lookup != "" {
		places, err := s.seriesPlaces(r, me.Member, f, lookup)
		if err != nil {
			return err
		}
		s.render(w, r, http.StatusOK, "commutenew", me, seriesFormPage{Form: f, Places: places, Cars: cars,
			Weekdays: weekdayBoxes(carpool.AllWeekdays, days)})
		return nil
	}
	from, err := s.requiredPlace(ctx, me.Member, f, "from", "form.commute_from")
	if err != nil {
		return err
	}
	to, err := s.requiredPlace(ctx, me.Member, f, "to", "form.commute_to")
	if err != nil {
		return err
	}
	in := carpool.SeriesInput{
		CarID:       f.text("car_id"),
		From:        from,
		To:          to,
		Weekdays:    days,
		DepartTime:  clockField(f, "depart_time", "field.departure_time"),
		TimeZone:    f.text("time_zone"),
		Seats:       f.integer("seats", "field.seats"),
		BookingMode: carpool.BookingMode(f.text("mode")),
		Notes:       f.Get("notes"),
		DetourKM:    optionalPtr(f, "detour", func() float64 { return f.float("detour", "field.detour") }),
		StartsOn:    dateField(f, "starts_on", "field.first_day"),
		EndsOn:      optional(f, "ends_on", func() carpool.Date { return dateField(f, "ends_on", "field.last_day") }),
		Sharing:     sharingChoice(f),
	}
	if f.text("reserve_from") != "" || f.text("reserve_until") != "" {
		from, until := clockField(f, "reserve_from", "field.reserve_from"), clockField(f, "reserve_until", "field.reserve_until")
		in.ReserveFrom, in.ReserveUntil = &from, &until
	}
	if in.CarID == "" {
		f.fieldError("car_id", f.say("form.choose_car"))
	}
	if !f.Valid() {
		// The rest of the inputs are checked too, so one answer names every field.
		if err := s.app.CheckCommute(in); err != nil {
			f.fail(r, err, seriesFields)
		}
	} else {
		sr, err := s.app.OfferSeries(ctx, me.Member, in)
		if err == nil {
			redirect(w, r, "/commutes/"+url.PathEscape(sr.ID), "seriesOffered")
			return nil
		}
		if !userFacing(err) {
			return err
		}
		f.fail(r, err, seriesFields)
	}
	places, err := s.seriesPlaces(r, me.Member, f, "")
	if err != nil {
		return err
	}
	s.render(w, r, f.status(), "commutenew", me, seriesFormPage{Form: f, Places: places, Cars: cars,
		Weekdays: weekdayBoxes(carpool.AllWeekdays, days)})
	return nil
}

func clockField(f *form, name, label string) carpool.Clock {
	c, err := carpool.ParseClock(f.text(name))
	if err != nil {
		f.fieldError(name, f.say("form.time", "Field", f.say(label), "Example", "07:30"))
	}
	return c
}

func dateField(f *form, name, label string) carpool.Date {
	d, err := carpool.ParseDate(f.text(name))
	if err != nil {
		f.fieldError(name, f.say("form.must_be_date", "Field", f.say(label), "Example", "2026-03-02"))
	}
	return d
}

// seriesPage is one series with its coming days as the viewer sees them.
type seriesPage struct {
	View    app.SeriesView
	Driving bool
	// Days are the coming week's days of the series, listed; LaterDays the rest of the
	// four weeks, folded behind Tally so twenty rows do not fill a phone's screens.
	Days, LaterDays []app.WeekDay
	Tally           dayTally
	Weekdays        []weekdayBox
	Form            *form
}

// dayTally counts a series' coming days by what happens on them.
type dayTally struct {
	Runs, Skipped, Cancelled int
}

func (t *dayTally) add(d app.WeekDay) {
	switch {
	case d.Skipped():
		t.Skipped++
	case d.Cancelled():
		t.Cancelled++
	default:
		t.Runs++
	}
}

func (s *Server) seriesDetail(w http.ResponseWriter, r *http.Request, me *session) error {
	return s.showSeries(w, r, me, r.PathValue("id"), nil, http.StatusOK)
}

// showSeries renders one series, with a form that failed (or nil).
func (s *Server) showSeries(w http.ResponseWriter, r *http.Request, me *session, id string, f *form, status int) error {
	ctx := r.Context()
	v, err := s.app.Series(ctx, me.Member, id)
	if err != nil {
		return err
	}
	page := seriesPage{View: v, Driving: v.IsDriver(me.Member), Form: f}
	if page.Form == nil {
		page.Form = newForm(url.Values{"seats": {"1"}})
	}
	checked := v.Series.Weekdays
	if v.Mine != nil {
		checked = v.Mine.Weekdays
	}
	page.Weekdays = weekdayBoxes(v.Series.Weekdays, checked)
	// The coming four weeks of this series, as the week view builds them.
	today := carpool.DateOf(s.now().In(v.Series.Location()))
	days, err := s.app.Days(ctx, me.Member, today, 28)
	if err != nil {
		return err
	}
	weekEnd := today.AddDays(7)
	for _, d := range days.Days {
		if d.Series.ID != id {
			continue
		}
		page.Tally.add(d)
		if d.Occurrence.On.Before(weekEnd) {
			page.Days = append(page.Days, d)
		} else {
			page.LaterDays = append(page.LaterDays, d)
		}
	}
	s.render(w, r, status, "commute", me, page)
	return nil
}

// seriesRefused shows the series again with the reason an action was refused.
func (s *Server) seriesRefused(w http.ResponseWriter, r *http.Request, me *session, id string, err error) error {
	if !userFacing(err) {
		return err
	}
	f := newForm(url.Values{"seats": {"1"}})
	f.fail(r, err, nil)
	return s.showSeries(w, r, me, id, f, f.status())
}

func (s *Server) subscribe(w http.ResponseWriter, r *http.Request, me *session) error {
	id := r.PathValue("id")
	f := newForm(url.Values{"seats": {r.PostFormValue("seats")}})
	seats := f.integer("seats", "field.seats")
	if !f.Valid() {
		return s.showSeries(w, r, me, id, f, f.status())
	}
	if _, _, err := s.app.Subscribe(r.Context(), me.Member, id, postedWeekdays(r), seats); err != nil {
		return s.seriesRefused(w, r, me, id, err)
	}
	redirect(w, r, "/commutes/"+url.PathEscape(id), "subscribed")
	return nil
}

func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request, me *session) error {
	id := r.PathValue("id")
	if !confirmed(r) {
		v, err := s.app.Series(r.Context(), me.Member, id)
		if err != nil {
			return err
		}
		p := s.printer(r, me)
		return s.askFirst(w, r, me, confirmation{
			Title: p.T("confirm.leave_commute", "From", v.Series.From.Label, "To", v.Series.To.Label),
			Verb:  p.T("confirm.leave_commute_yes"), Back: "/commutes/" + url.PathEscape(id),
			Consequences: []string{
				p.T("confirm.leave_commute_bookings", "Driver", v.Driver.Name),
				p.T("confirm.leave_commute_later"),
			},
		})
	}
	if _, err := s.app.Unsubscribe(r.Context(), me.Member, id); err != nil {
		return s.seriesRefused(w, r, me, id, err)
	}
	redirect(w, r, "/commutes", "unsubscribed")
	return nil
}

// postedDate reads the day a day action is about.
func postedDate(r *http.Request) (carpool.Date, error) {
	d, err := carpool.ParseDate(r.PostFormValue("date"))
	if err != nil {
		return d, carpool.FieldErrorf(carpool.EINVALID, "date", "choose a day of the commute")
	}
	return d, nil
}

// dayLabel names a day of a series for a sentence, with its departure.
func (s *Server) dayLabel(p *locale.Printer, sr carpool.Series, d carpool.Date) string {
	return s.when(p, sr.DepartAt(d))
}

func (s *Server) leaveDay(w http.ResponseWriter, r *http.Request, me *session) error {
	id := r.PathValue("id")
	d, err := postedDate(r)
	if err != nil {
		return s.seriesRefused(w, r, me, id, err)
	}
	if !confirmed(r) {
		v, err := s.app.Series(r.Context(), me.Member, id)
		if err != nil {
			return err
		}
		p := s.printer(r, me)
		return s.askFirst(w, r, me, confirmation{
			Title: p.T("confirm.leave_day", "From", v.Series.From.Label, "To", v.Series.To.Label),
			Verb:  p.T("confirm.leave_day_yes"), Back: "/commutes/" + url.PathEscape(id),
			Consequences: []string{p.T("confirm.leave_day_booking", "Day", s.dayLabel(p, v.Series, d), "Driver", v.Driver.Name)},
			Keep:         map[string]string{"date": d.String()},
		})
	}
	if _, err := s.app.LeaveSeriesDate(r.Context(), me.Member, id, d); err != nil {
		return s.seriesRefused(w, r, me, id, err)
	}
	redirect(w, r, "/commutes/"+url.PathEscape(id), "dayLeft")
	return nil
}

func (s *Server) skipDay(w http.ResponseWriter, r *http.Request, me *session) error {
	id := r.PathValue("id")
	d, err := postedDate(r)
	if err != nil {
		return s.seriesRefused(w, r, me, id, err)
	}
	if !confirmed(r) {
		v, err := s.app.Series(r.Context(), me.Member, id)
		if err != nil {
			return err
		}
		ride, made, err := s.dayRide(r.Context(), me.Member, id, d)
		if err != nil {
			return err
		}
		p := s.printer(r, me)
		day := s.dayLabel(p, v.Series, d)
		if made {
			day = s.when(p, ride.Ride.DepartAt) // the driver may have moved this one day
		}
		c := confirmation{
			Title: p.T("confirm.skip_day", "Day", day),
			Verb:  p.T("confirm.skip_day_yes"), Back: "/commutes/" + url.PathEscape(id),
			Consequences: []string{p.T("confirm.skip_day_ride", "Day", day)},
			Keep:         map[string]string{"date": d.String()},
		}
		// Whoever holds a seat that day loses it: the subscribers, and colleagues who
		// booked the day on its own. Before the day's ride exists, only subscribers can.
		if made {
			for _, pass := range ride.Passengers {
				c.Consequences = append(c.Consequences, p.T("confirm.subscriber_loses_day", "Name", pass.Person.Name))
			}
		} else {
			for _, sub := range v.Subscribers {
				if sub.Subscription.Covers(d) {
					c.Consequences = append(c.Consequences, p.T("confirm.subscriber_loses_day", "Name", sub.Person.Name))
				}
			}
		}
		return s.askFirst(w, r, me, c)
	}
	if _, err := s.app.SkipSeriesDate(r.Context(), me.Member, id, d); err != nil {
		return s.seriesRefused(w, r, me, id, err)
	}
	redirect(w, r, "/commutes/"+url.PathEscape(id), "daySkipped")
	return nil
}

// dayRide is the ride series id makes on d as me sees it; ok is false when the day has
// none (not made yet, skipped before it was made, or not made for a conflict).
func (s *Server) dayRide(ctx context.Context, me carpool.Member, id string, d carpool.Date) (v app.RideView, ok bool, err error) {
	days, err := s.app.Days(ctx, me, d, 1)
	if err != nil {
		return v, false, err
	}
	for _, day := range days.Days {
		if day.Series.ID == id && day.Ride != nil {
			v, err = s.app.Ride(ctx, me, day.Ride.ID)
			return v, err == nil, err
		}
	}
	return v, false, nil
}

func (s *Server) endSeries(w http.ResponseWriter, r *http.Request, me *session) error {
	id := r.PathValue("id")
	if !confirmed(r) {
		v, err := s.app.Series(r.Context(), me.Member, id)
		if err != nil {
			return err
		}
		p := s.printer(r, me)
		c := confirmation{
			Title: p.T("confirm.end_commute", "From", v.Series.From.Label, "To", v.Series.To.Label),
			Verb:  p.T("confirm.end_commute_yes"), Back: "/commutes/" + url.PathEscape(id),
			Consequences: []string{p.T("confirm.end_commute_rides")},
		}
		if v.Series.UsesPoolCar() {
			c.Consequences = append(c.Consequences, p.T("confirm.end_commute_pool_car"))
		}
		if len(v.Subscribers) == 0 {
			c.Consequences = append(c.Consequences, p.T("confirm.end_commute_nobody"))
		}
		for _, sub := range v.Subscribers {
			c.Consequences = append(c.Consequences, p.T("confirm.subscriber_loses_seats", "Name", sub.Person.Name))
		}
		return s.askFirst(w, r, me, c)
	}
	if _, err := s.app.EndSeries(r.Context(), me.Member, id); err != nil {
		return s.seriesRefused(w, r, me, id, err)
	}
	redirect(w, r, "/commutes", "seriesEnded")
	return nil
}

// weekPage is seven days of the member's commutes, grouped by day.
type weekPage struct {
	From, To   carpool.Date
	Prev, Next string
	Days       []weekPageDay
}

type weekPageDay struct {
	Date    carpool.Date
	Label   string
	Entries []app.WeekDay
}

func (s *Server) commuteWeek(w http.ResponseWriter, r *http.Request, me *session) error {
	from := carpool.DateOf(s.now().In(s.zone(me)))
	if v := r.URL.Query().Get("from"); v != "" {
		d, err := carpool.ParseDate(v)
		if err != nil {
			return carpool.FieldErrorf(carpool.EINVALID, "from", "%s", s.printer(r, me).T("form.must_be_date", "Field", "from", "Example", "2026-03-02"))
		}
		from = d
	}
	// A week runs Monday to Sunday, as in the calendars of the countries carpool serves.
	from = from.AddDays(-((int(from.Weekday()) + 6) % 7))
	week, err := s.app.Week(r.Context(), me.Member, from)
	if err != nil {
		return err
	}
	page := weekPage{From: week.From, To: week.To, Prev: from.AddDays(-7).String(), Next: from.AddDays(7).String()}
	words := s.printer(r, me)
	for d := week.From; !d.After(week.To); d = d.AddDays(1) {
		day := weekPageDay{Date: d, Label: words.Day(time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC))}
		for _, e := range week.Days {
			if e.Occurrence.On == d {
				day.Entries = append(day.Entries, e)
			}
		}
		page.Days = append(page.Days, day)
	}
	s.render(w, r, http.StatusOK, "week", me, page)
	return nil
}

package web

import (
	"net/http"
	"net/url"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// Carpool parking in the fleet pages: the site page keeps its spaces (add, rename,
// retire), and each day's list is a page made to be printed for site security, with the
// same list as CSV.

func (s *Server) parkingRoutes(mux *routeMux) {
	manage := carpool.Phrasef("manage parking spaces")
	mux.Handle("POST /fleet/sites/{id}/parking-spaces", s.signedIn(fleetOnly(manage, s.addParkingSpace)))
	mux.Handle("POST /fleet/sites/{id}/parking-spaces/{space}", s.signedIn(fleetOnly(manage, s.renameParkingSpace)))
	mux.Handle("POST /fleet/sites/{id}/parking-spaces/{space}/retire", s.signedIn(fleetOnly(manage, s.retireParkingSpace)))
	// The day's lists are site security's too; the application decides who reads them.
	mux.Handle("GET "+ParkingListsPath, s.reaching(carpool.ReachParkingList, s.parkingSites))
	mux.Handle("GET /fleet/sites/{id}/parking", s.reaching(carpool.ReachParkingList, s.parkingDay))
	mux.Handle("GET /fleet/sites/{id}/parking.csv", s.reaching(carpool.ReachParkingList, s.parkingDayCSV))
}

// siteParking is the parking part of the site page: each space with its rename form,
// the add form, and the site's today for the link to the day's list.
type siteParking struct {
	Spaces []spaceRow
	Add    *form
	Today  string
}

type spaceRow struct {
	Space carpool.ParkingSpace
	Form  *form
}

// siteParking makes the parking part of the site page; f is the form that failed, the
// rename form of space failed, or else the add form (nil: none failed).
func (s *Server) siteParking(r *http.Request, me *session, site carpool.Site, f *form, failed string) (siteParking, error) {
	spaces, err := s.app.ParkingSpaces(r.Context(), me.Member, site.ID)
	if err != nil {
		return siteParking{}, err
	}
	today := carpool.DateOf(s.now().In(carpool.ZoneOr(site.TimeZone, s.zone(me))))
	out := siteParking{Add: newForm(url.Values{"label": {""}}), Today: today.String()}
	if f != nil && failed == "" {
		out.Add = f
	}
	for _, sp := range spaces {
		row := spaceRow{Space: sp, Form: newForm(url.Values{"label": {sp.Label}})}
		if f != nil && failed == sp.ID {
			row.Form = f
		}
		out.Spaces = append(out.Spaces, row)
	}
	return out, nil
}

// parkingFailed shows the site page again with the parking form that failed.
func (s *Server) parkingFailed(w http.ResponseWriter, r *http.Request, me *session, site carpool.Site, f *form, failed string, err error) error {
	if !userFacing(err) {
		return err
	}
	f.fail(r, err, nil)
	return s.showSite(w, r, me, site, f, failed, f.status())
}

func (s *Server) addParkingSpace(w http.ResponseWriter, r *http.Request, me *session) error {
	site, err := s.app.Site(r.Context(), me.Member, r.PathValue("id"))
	if err != nil {
		return err
	}
	f := postedForm(r, []string{"label"})
	if _, err := s.app.AddParkingSpace(r.Context(), me.Member, site.ID, f.Get("label")); err != nil {
		return s.parkingFailed(w, r, me, site, f, "", err)
	}
	redirect(w, r, "/fleet/sites/"+url.PathEscape(site.ID), "parking")
	return nil
}

func (s *Server) renameParkingSpace(w http.ResponseWriter, r *http.Request, me *session) error {
	site, err := s.app.Site(r.Context(), me.Member, r.PathValue("id"))
	if err != nil {
		return err
	}
	f := postedForm(r, []string{"label", "version"})
	version := f.integer("version", "field.version")
	space := r.PathValue("space")
	if f.Valid() {
		_, err := s.app.RenameParkingSpace(r.Context(), me.Member, space, version, f.Get("label"))
		if err == nil {
			redirect(w, r, "/fleet/sites/"+url.PathEscape(site.ID), "parking")
			return nil
		}
		return s.parkingFailed(w, r, me, site, f, space, err)
	}
	return s.showSite(w, r, me, site, f, space, f.status())
}

func (s *Server) retireParkingSpace(w http.ResponseWriter, r *http.Request, me *session) error {
	site, err := s.app.Site(r.Context(), me.Member, r.PathValue("id"))
	if err != nil {
		return err
	}
	if _, err := s.app.RetireParkingSpace(r.Context(), me.Member, r.PathValue("space")); err != nil {
		return s.parkingFailed(w, r, me, site, newForm(url.Values{"label": {""}}), "", err)
	}
	redirect(w, r, "/fleet/sites/"+url.PathEscape(site.ID), "parking")
	return nil
}

// parkingDayPage is the printable list of a site's day.
type parkingDayPage struct {
	app.ParkingDayList
	Form *form
	Rows []parkingRow
	CSV  string
	Zone string // the site's zone, which the arrivals are said in
}

// parkingRow is one line of the printed list, its arrival said in the site's zone.
type parkingRow struct {
	Space, Plate, Driver, Arrival string
}

// parkingDayOf reads ?date= (the site's today when absent) and loads its list.
func (s *Server) parkingDayOf(r *http.Request, me *session) (app.ParkingDayList, *form, error) {
	site, err := s.app.Site(r.Context(), me.Member, r.PathValue("id"))
	if err != nil {
		return app.ParkingDayList{}, nil, err
	}
	f := newForm(url.Values{"date": {r.URL.Query().Get("date")}})
	f.words = wordsOf(r)
	day := carpool.DateOf(s.now().In(carpool.ZoneOr(site.TimeZone, s.zone(me))))
	if v := f.text("date"); v != "" {
		d, err := carpool.ParseDate(v)
		if err != nil {
			f.fieldError("date", f.say("form.must_be_date", "Field", f.say("field.date"), "Example", "2026-03-02"))
			return app.ParkingDayList{Site: site, Day: day}, f, nil
		}
		day = d
	}
	f.Values.Set("date", day.String())
	list, err := s.app.ParkingList(r.Context(), me.Member, site.ID, day)
	return list, f, err
}

func (s *Server) parkingDay(w http.ResponseWriter, r *http.Request, me *session) error {
	list, f, err := s.parkingDayOf(r, me)
	if err != nil {
		return err
	}
	page := parkingDayPage{ParkingDayList: list, Form: f,
		CSV: "/fleet/sites/" + url.PathEscape(list.Site.ID) + "/parking.csv?date=" + url.QueryEscape(list.Day.String())}
	zone := list.Zone
	if zone == nil {
		zone = carpool.ZoneOr(list.Site.TimeZone, s.zone(me))
	}
	page.Zone = zone.String()
	p := s.printer(r, me)
	for _, e := range list.Entries {
		page.Rows = append(page.Rows, parkingRow{Space: e.Space, Plate: e.Plate, Driver: e.DriverName, Arrival: p.Clock(e.ArrivalAt.In(zone))})
	}
	status := http.StatusOK
	if !f.Valid() {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "parking", me, page)
	return nil
}

func (s *Server) parkingDayCSV(w http.ResponseWriter, r *http.Request, me *session) error {
	list, f, err := s.parkingDayOf(r, me)
	if err != nil {
		return err
	}
	if !f.Valid() {
		return s.parkingDay(w, r, me)
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="parking-`+list.Day.String()+`.csv"`)
	h.Set("Cache-Control", "no-store")
	return list.WriteCSV(w)
}

package web

import (
	"encoding/csv"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/locale"
)

type reportPage struct {
	Form   *form
	Sites  []carpool.Site // to choose one site's report
	Report *app.Report
	// Query is the period (and site) as a query string for the CSV links; encoded by
	// url.Values, so it is marked as a URL lest the template escape its = and & again.
	Query  template.URL
	Charts []chart
	// Parking is the carpool spaces used, the carpools without one, the proof classes.
	Parking *app.ParkingReport
}

// fleetReport shows the fleet report for a period of local days (default: the last
// four full weeks), with charts and CSV downloads.
func (s *Server) fleetReport(w http.ResponseWriter, r *http.Request, me *session) error {
	sites, err := s.app.AllSites(r.Context(), me.Member)
	if err != nil {
		return err
	}
	zone := s.reportZone(r, me, sites)
	f, from, to := s.reportPeriod(r, s.printer(r, me), zone)
	p := reportPage{Form: f, Sites: sites}
	if f.Valid() {
		rep, err := s.report(r, me, f, from, to, zone)
		var parking app.ParkingReport
		if err == nil {
			parking, err = s.parkingReport(r, me, f, from, to, zone)
		}
		if err != nil {
			if !userFacing(err) {
				return err
			}
			f.fail(r, err, nil)
		} else {
			p.Parking = &parking
			p.Report = &rep
			q := url.Values{"from": {f.Get("from")}, "to": {f.Get("to")}}
			if site := f.Get("site_id"); site != "" {
				q.Set("site_id", site)
			}
			p.Query = template.URL(q.Encode())
			p.Charts = reportCharts(rep, zone, s.printer(r, me))
		}
	}
	status := http.StatusOK
	if !f.Valid() {
		status = f.status()
	}
	s.render(w, r, status, "reports", me, p)
	return nil
}

// report is the whole fleet's report, or the chosen site's alone, its days and weeks
// counted on zone.
func (s *Server) report(r *http.Request, me *session, f *form, from, to time.Time, zone *time.Location) (app.Report, error) {
	if site := f.Get("site_id"); site != "" {
		return s.app.SiteReport(r.Context(), me.Member, site, from, to, zone)
	}
	return s.app.FleetReport(r.Context(), me.Member, from, to, zone)
}

// reportZone is the clock a report's days and weeks are counted on: one site's own, where
// its cars are handed over (as the API counts it), else the reader's.
func (s *Server) reportZone(r *http.Request, me *session, sites []carpool.Site) *time.Location {
	if id := strings.TrimSpace(r.URL.Query().Get("site_id")); id != "" {
		for _, st := range sites {
			if st.ID == id {
				return st.Location(s.zone(me))
			}
		}
	}
	return s.zone(me)
}

// reportPeriod reads the from and to dates (inclusive days on zone's clock); the default
// is the four weeks that ended last Monday.
func (s *Server) reportPeriod(r *http.Request, p *locale.Printer, zone *time.Location) (*form, time.Time, time.Time) {
	q := r.URL.Query()
	today := s.now().In(zone)
	monday := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, zone)
	monday = monday.AddDate(0, 0, -((int(monday.Weekday()) + 6) % 7))
	f := newForm(url.Values{
		"from":    {monday.AddDate(0, 0, -28).Format(dateLayout)},
		"to":      {monday.AddDate(0, 0, -1).Format(dateLayout)},
		"site_id": {""},
	})
	for _, k := range []string{"from", "to", "site_id"} {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			f.Values.Set(k, v)
		}
	}
	day := func(name, label string) time.Time {
		d, err := time.ParseInLocation(dateLayout, f.Get(name), zone)
		if err != nil {
			f.fieldError(name, p.T("form.must_be_date", "Field", label, "Example", "2026-03-30"))
		}
		return d
	}
	from, to := day("from", p.T("common.from")), day("to", p.T("common.until"))
	return f, from, to.AddDate(0, 0, 1) // the last day counts whole
}

// fleetReportCSV downloads one table of the report as RFC 4180 CSV. Unlike the page it
// speaks no language: column names are English identifiers, numbers have a dot before
// the decimals and no grouping, days are ISO dates, so a script or a spreadsheet import
// reads the same file whoever downloaded it.
func (s *Server) fleetReportCSV(w http.ResponseWriter, r *http.Request, me *session) error {
	sites, err := s.app.AllSites(r.Context(), me.Member)
	if err != nil {
		return err
	}
	zone := s.reportZone(r, me, sites)
	f, from, to := s.reportPeriod(r, s.printer(r, me), zone)
	if !f.Valid() {
		return s.fleetReport(w, r, me)
	}
	rep, err := s.report(r, me, f, from, to, zone)
	if err != nil {
		return err
	}
	var rows [][]string
	num := func(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }
	figures := func(x app.Figures) []string {
		return []string{strconv.Itoa(x.Offered), strconv.Itoa(x.Shared), strconv.Itoa(x.SeatsFilled), num(x.PassengerKM),
			num(x.CO2AvoidedKG), num(x.ReservedHours), num(x.MaintenanceHours), num(x.Utilisation * 100)}
	}
	header := []string{"rides_offered", "rides_shared", "seats_filled", "passenger_km", "co2_avoided_kg", "reserved_hours", "maintenance_hours", "utilisation_percent"}
	table, isCSV := strings.CutSuffix(r.PathValue("table"), ".csv")
	if !isCSV {
		table = ""
	}
	switch table {
	case "weeks":
		rows = append(rows, append([]string{"week_start", "week_end"}, header...))
		for _, wk := range rep.Weeks {
			rows = append(rows, append([]string{wk.Week.Start.Format(dateLayout), wk.Week.End.AddDate(0, 0, -1).Format(dateLayout)}, figures(wk.Figures)...))
		}
	case "sites":
		rows = append(rows, []string{"site", "address", "pool_cars", "reserved_hours", "maintenance_hours", "utilisation_percent"})
		for _, st := range rep.Sites {
			rows = append(rows, []string{st.Site.Name, st.Site.Address, strconv.Itoa(st.Cars),
				num(st.ReservedHours), num(st.MaintenanceHours), num(st.Utilisation * 100)})
		}
	case "cars":
		rows = append(rows, []string{"plate", "make", "model", "site", "status", "reserved_hours", "maintenance_hours", "rides", "seats_shared"})
		for _, c := range rep.Cars {
			rows = append(rows, []string{c.Car.Plate, c.Car.Make, c.Car.Model, c.Site, string(c.Car.Status),
				num(c.Reserved.Hours()), num(c.Maintenance.Hours()), strconv.Itoa(c.Rides), strconv.Itoa(c.SeatsShared)})
		}
	case "parking", "proofs":
		parking, err := s.parkingReport(r, me, f, from, to, zone)
		if err != nil {
			return err
		}
		rows, _ = parkingReportTable(parking, table)
	default:
		return carpool.Errorf(carpool.ENOTFOUND, "no such report table")
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="carpool-%s-%s-%s.csv"`, table, f.Get("from"), f.Get("to")))
	h.Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180 ends records with CRLF
	for _, row := range rows {
		for i, cell := range row {
			row[i] = app.SpreadsheetSafe(cell)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// chart is an accessible bar chart drawn on the server: an SVG with a title and a
// description, and the same numbers as a table for those who cannot see it.
type chart struct {
	ID    string
	Title string
	Desc  string
	Unit  string
	Bars  []bar
	SVG   template.HTML
	// Top is the value at the top of the y-axis; 0 takes a round number at or above the
	// tallest bar. Tick says a value on the axis in the reader's format.
	Top  float64
	Tick func(float64) string
}

type bar struct {
	Label string
	Value float64
	Text  string
}

// reportCharts draws the report's charts with p's words and numbers.
func reportCharts(rep app.Report, loc *time.Location, p *locale.Printer) []chart {
	// Utilisation is a share: its axis always ends at 100 %, so a half-used week looks
	// half used whatever the other weeks did.
	util := chart{ID: "chart-utilisation", Title: p.T("reports.chart_utilisation"), Unit: "%", Top: 100,
		Tick: func(v float64) string { return p.Number(v, 0) + " %" }}
	co2 := chart{ID: "chart-co2", Title: p.T("reports.chart_co2"), Unit: "kg",
		Tick: func(v float64) string { return p.Exact(v) + " kg" }}
	for _, wk := range rep.Weeks {
		label := p.Short(wk.Week.Start.In(loc))
		util.Bars = append(util.Bars, bar{Label: label, Value: wk.Utilisation * 100, Text: p.Percent(wk.Utilisation)})
		co2.Bars = append(co2.Bars, bar{Label: label, Value: wk.CO2AvoidedKG, Text: p.KG(wk.CO2AvoidedKG)})
	}
	util.Desc = p.T("reports.chart_utilisation_desc")
	co2.Desc = p.T("reports.chart_co2_desc")
	charts := []chart{util, co2}
	for i := range charts {
		charts[i].SVG = barChartSVG(charts[i])
	}
	return charts
}

// barChartSVG draws c's bars against a y-axis from 0 to c.Top (or a round number above
// the tallest bar) with four labelled steps. Text is escaped; nothing in it comes from
// outside but the numbers and dates.
func barChartSVG(c chart) template.HTML {
	const width, height, pad, label, axis = 600, 220, 8, 28, 64
	top := c.Top
	if top <= 0 {
		tallest := 0.0
		for _, b := range c.Bars {
			tallest = maxFloat(tallest, b.Value)
		}
		top = roundUp(tallest)
	}
	tick := c.Tick
	if tick == nil {
		tick = func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	}
	plot := float64(height - label - pad*3) // the height of a bar at top
	base := float64(height - label)
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-title %s-desc" xmlns="http://www.w3.org/2000/svg">`,
		width, height, c.ID, c.ID)
	fmt.Fprintf(&sb, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, c.ID, template.HTMLEscapeString(c.Title), c.ID, template.HTMLEscapeString(c.Desc))
	fmt.Fprintf(&sb, `<g class="y-axis"><line class="axis" x1="%d" y1="%.1f" x2="%d" y2="%.1f"></line>`, axis, base-plot, axis, base)
	const steps = 4
	for i := 0; i <= steps; i++ {
		v := top * float64(i) / steps
		y := base - plot*float64(i)/steps
		fmt.Fprintf(&sb, `<line class="grid" x1="%d" y1="%.1f" x2="%d" y2="%.1f"></line>`, axis-4, y, width, y)
		fmt.Fprintf(&sb, `<text class="label tick" x="%d" y="%.1f" text-anchor="end" dominant-baseline="middle">%s</text>`, axis-8, y, template.HTMLEscapeString(tick(v)))
	}
	sb.WriteString(`</g>`)
	fmt.Fprintf(&sb, `<line class="axis" x1="%d" y1="%.1f" x2="%d" y2="%.1f"></line>`, axis, base, width, base)
	if n := len(c.Bars); n > 0 {
		step := float64(width-axis) / float64(n)
		for i, b := range c.Bars {
			h := 0.0
			if top > 0 {
				h = min(b.Value/top, 1) * plot
			}
			x := float64(axis) + float64(i)*step + step*0.15
			fmt.Fprintf(&sb, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s: %s</title></rect>`,
				x, base-h, step*0.7, h, template.HTMLEscapeString(b.Label), template.HTMLEscapeString(b.Text))
			fmt.Fprintf(&sb, `<text class="label" x="%.1f" y="%d" text-anchor="middle">%s</text>`, x+step*0.35, height-label/3, template.HTMLEscapeString(b.Label))
		}
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()) // built above from escaped text and numbers only
}

// roundUp is the smallest of 1, 2, 4 or 8 times a power of ten at or above v (1 for
// nothing), so the axis's four steps are round numbers.
func roundUp(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 4, 8, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func maxFloat(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}

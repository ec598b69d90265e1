package web

import (
	"net/http"
	"strconv"
	"time"

	"carpool/internal/app"
)

// parkingReport is the parking and proof part of the report for the same period, site
// and clock as the rest of the page.
func (s *Server) parkingReport(r *http.Request, me *session, f *form, from, to time.Time, zone *time.Location) (app.ParkingReport, error) {
	return s.app.ParkingReport(r.Context(), me.Member, f.Get("site_id"), from, to, zone)
}

// parkingReportTable is the CSV table of the parking part named table: parking (each
// site and day) or proofs (the records by class); false for any other name.
func parkingReportTable(rep app.ParkingReport, table string) ([][]string, bool) {
	switch table {
	case "parking":
		rows := [][]string{{"date", "site", "address", "spaces_used", "carpools_without_space"}}
		for _, d := range rep.Days {
			rows = append(rows, []string{d.Day.String(), d.Site.Name, d.Site.Address, strconv.Itoa(d.Used), strconv.Itoa(d.NoSpace)})
		}
		return rows, true
	case "proofs":
		rows := [][]string{{"class", "records"}}
		if p := rep.Proofs; p != nil {
			rows = append(rows, []string{"A", strconv.Itoa(p.A)}, []string{"B", strconv.Itoa(p.B)},
				[]string{"C", strconv.Itoa(p.C)}, []string{"no_show", strconv.Itoa(p.None)})
		}
		return rows, true
	}
	return nil, false
}

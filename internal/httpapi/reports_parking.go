package httpapi

import (
	"net/http"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

type parkingReportResponse struct {
	FromDate             string                     `json:"from_date"`
	ToDate               string                     `json:"to_date"`
	SpacesUsed           int                        `json:"spaces_used"`
	CarpoolsWithoutSpace int                        `json:"carpools_without_space"`
	Days                 []parkingReportDayResponse `json:"days"`
	ProofClasses         *proofClassesResponse      `json:"proof_classes,omitempty"`
}

type parkingReportDayResponse struct {
	SiteID               string `json:"site_id"`
	Site                 string `json:"site"`
	Date                 string `json:"date"`
	SpacesUsed           int    `json:"spaces_used"`
	CarpoolsWithoutSpace int    `json:"carpools_without_space"`
}

type proofClassesResponse struct {
	A      int `json:"a"`
	B      int `json:"b"`
	C      int `json:"c"`
	NoShow int `json:"no_show"`
}

// parkingReport reads the parking and proof part of the report the request asks for.
func (s *Server) parkingReport(r *http.Request, me carpool.Member, siteID string, from, to time.Time, loc *time.Location) (*parkingReportResponse, error) {
	rep, err := s.app.ParkingReport(r.Context(), me, siteID, from, to, loc)
	if err != nil {
		return nil, err
	}
	return parkingReportOut(rep), nil
}

func parkingReportOut(rep app.ParkingReport) *parkingReportResponse {
	out := &parkingReportResponse{FromDate: rep.From.String(), ToDate: rep.To.String(), SpacesUsed: rep.Used,
		CarpoolsWithoutSpace: rep.NoSpace, Days: []parkingReportDayResponse{}}
	for _, d := range rep.Days {
		out.Days = append(out.Days, parkingReportDayResponse{SiteID: d.Site.ID, Site: d.Site.Name, Date: d.Day.String(),
			SpacesUsed: d.Used, CarpoolsWithoutSpace: d.NoSpace})
	}
	if p := rep.Proofs; p != nil {
		out.ProofClasses = &proofClassesResponse{A: p.A, B: p.B, C: p.C, NoShow: p.None}
	}
	return out
}

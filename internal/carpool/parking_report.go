package carpool

import "context"

// ParkingDayFigures is one site's carpool parking on one local day: the carpools that
// held a space, and those that arrived and found none (all spaces were taken).
type ParkingDayFigures struct {
	SiteID  string
	Day     Date
	Used    int
	NoSpace int
}

// ProofClassCounts counts proof-of-carpooling records by their class in the register's
// terms, and the records of passengers who did not show up (class "none").
type ProofClassCounts struct {
	A, B, C, None int
}

// Add returns the sum of c and o.
func (c ProofClassCounts) Add(o ProofClassCounts) ProofClassCounts {
	return ProofClassCounts{A: c.A + o.A, B: c.B + o.B, C: c.C + o.C, None: c.None + o.None}
}

// ParkingReportStore reads the parking and proof figures of the fleet report.
type ParkingReportStore interface {
	// ParkingFigures returns, for each site (only siteID when set) and local day from
	// from to to (both included) with a claim, how many carpools held a space and how
	// many found none, by day then site.
	ParkingFigures(ctx context.Context, siteID string, from, to Date) ([]ParkingDayFigures, error)
	// ProofClasses counts the proof records of the days from to to (both included).
	ProofClasses(ctx context.Context, from, to Date) (ProofClassCounts, error)
}

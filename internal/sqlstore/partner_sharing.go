package sqlstore

import (
	"database/sql"

	"carpool/internal/carpool"
)

// sharingCol scans a ride's or commute's share_with_partners: NULL follows the profile,
// 1 shares, 0 does not.
type sharingCol struct{ s *carpool.PartnerSharing }

func (c sharingCol) Scan(v any) error {
	var n sql.NullInt64
	if err := n.Scan(v); err != nil {
		return err
	}
	*c.s = carpool.SharingProfile
	if n.Valid {
		on := n.Int64 == 1
		*c.s = carpool.SharingOf(&on)
	}
	return nil
}

// sharingArg writes a PartnerSharing the way sharingCol reads it.
func sharingArg(s carpool.PartnerSharing) any {
	switch s {
	case carpool.SharingOn:
		return 1
	case carpool.SharingOff:
		return 0
	}
	return nil
}

// sharedBy is the SQL condition that a row of table (rides or ride_series, with its
// driver_id and share_with_partners) is published to partners, as
// carpool.PartnerSharing.Shares decides: the row's own choice, else the driver's profile.
// It sits in the query so a page of shared rides is a full page.
func sharedBy(table string) string {
	return "COALESCE(" + table + ".share_with_partners, (SELECT m.share_with_partners FROM members m WHERE m.id = " +
		table + ".driver_id)) = 1"
}

package app

import (
	"context"
	"fmt"

	"carpool/internal/carpool"
)

// requireParkingReader refuses whoever may not read the sites' parking lists.
func requireParkingReader(me carpool.Member) error {
	if !me.ReadsParkingList() {
		return carpool.Errorf(carpool.EFORBIDDEN, "only fleet managers, admins and site security can see the parking list")
	}
	return nil
}

// ParkingSites lists every site, for those who read the parking lists: site security
// starts there, as it reaches no other list of sites.
func (a *App) ParkingSites(ctx context.Context, me carpool.Member) ([]carpool.Site, error) {
	if err := requireParkingReader(me); err != nil {
		return nil, err
	}
	var out []carpool.Site
	p := carpool.Page{Limit: carpool.MaxPageLimit}
	for {
		sites, next, err := a.store.Sites(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("parking sites: %w", err)
		}
		out = append(out, sites...)
		if next == "" {
			return out, nil
		}
		p.Cursor = next
	}
}

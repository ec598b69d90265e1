package app

import (
	"context"
	"time"

	"carpool/internal/carpool"
)

// AdmitPartnerRequest counts one request of partner p at now and refuses it (ETHROTTLED,
// with the wait) beyond rate requests in its minute. The count lives in the database,
// so the rate holds across every replica, not per replica.
func (a *App) AdmitPartnerRequest(ctx context.Context, p carpool.Partner, rate int, now time.Time) error {
	window := carpool.PartnerWindow(now)
	n, err := a.store.CountPartnerRequest(ctx, p.ID, window)
	if err != nil {
		return err
	}
	return carpool.CheckPartnerRate(n, rate, window, now)
}

package notify

import (
	"context"
	"time"

	"carpool/internal/carpool"
)

// rideParking tells a driver their ride got or lost a carpool space at the site.
func (r *Relay) rideParking(ctx context.Context, e carpool.Event, b carpool.Payload) ([]message, error) {
	rideLink := "/rides/" + b.RideID
	ride, _, err := r.rideAnd(ctx, b.RideID, "")
	if err != nil {
		return nil, err
	}
	m := message{member: e.RecipientID, link: rideLink, title: "notify.space_granted.title", body: "notify.space_granted.body",
		data: []any{"Ride", ride, "Space", b.Space}}
	if b.Reason == carpool.ReasonSpaceReleased {
		m.title, m.body = "notify.space_released.title", "notify.space_released.body"
	}
	if d, err := carpool.ParseDate(b.Date); err == nil {
		m.data = append(m.data, "Day", day(time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC)))
	}
	return []message{m}, nil
}

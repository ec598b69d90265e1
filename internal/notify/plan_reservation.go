package notify

import (
	"context"

	"carpool/internal/carpool"
)

// reservationCancelled tells a member whose reservation someone else cancelled.
func (r *Relay) reservationCancelled(ctx context.Context, e carpool.Event, _ carpool.Payload) ([]message, error) {
	res, err := r.store.Reservation(ctx, e.SubjectID)
	if err != nil {
		if carpool.ErrorCode(err) == carpool.ENOTFOUND {
			return nil, nil
		}
		return nil, err
	}
	if res.CancelledBy == "" || res.CancelledBy == res.MemberID {
		return nil, nil // the holder cancelled it: nothing to tell them
	}
	return []message{{member: res.MemberID, link: "/cars/" + res.CarID, title: "notify.reservation_cancelled.title", body: "notify.reservation_cancelled.body",
		data: []any{"Start", moment(res.Start), "End", moment(res.End)}}}, nil
}

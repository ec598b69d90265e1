package notify

import (
	"context"

	"carpool/internal/carpool"
)

// rideHome tells every fleet manager of a new request for a ride home, and the member of
// the answer: how they get home, or why not.
func (r *Relay) rideHome(ctx context.Context, e carpool.Event, b carpool.Payload) ([]message, error) {
	q, err := r.store.RideHome(ctx, e.SubjectID)
	if carpool.ErrorCode(err) == carpool.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	ride, who, err := r.rideAnd(ctx, q.RideID, q.MemberID)
	if err != nil {
		return nil, err
	}
	if e.Type == carpool.EventRideHomeRequested {
		return []message{{member: e.RecipientID, link: "/rides-home", title: "notify.ride_home_requested.title",
			body: "notify.ride_home_requested.body", data: []any{"Who", who, "Ride", ride}}}, nil
	}
	m := message{member: e.RecipientID, link: "/rides-home", data: []any{"Ride", ride}}
	switch {
	case q.Status == carpool.RideHomeDeclined:
		m.title, m.body = "notify.ride_home_declined.title", "notify.ride_home_declined.body"
		m.data = append(m.data, "Reason", q.Reason)
	case q.Means == carpool.RideHomeTaxi:
		m.title, m.body = "notify.ride_home_approved.title", "notify.ride_home_taxi.body"
		m.data = append(m.data, "Voucher", q.Voucher)
	default:
		m.title, m.body = "notify.ride_home_approved.title", "notify.ride_home_car.body"
		if res, err := r.store.Reservation(ctx, q.ReservationID); err == nil {
			m.data = append(m.data, "Start", moment(res.Start), "End", moment(res.End))
			m.link = "/cars/" + res.CarID
		} else if carpool.ErrorCode(err) != carpool.ENOTFOUND {
			return nil, err
		}
	}
	return []message{m}, nil
}

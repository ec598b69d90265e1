package app

import (
	"context"
	"fmt"
	"time"

	"carpool/internal/carpool"
)

// MessageView is one message of a ride's thread as a member reads it: its author by
// name only (contact details stay with ContactVisible), and whether the reader wrote it.
type MessageView struct {
	Message carpool.Message
	Author  Person
	Mine    bool
}

// PostMessage writes me's message in the ride's thread. The ride is locked with its
// active bookings, so whether me is matched is decided on the bookings as they are; me's
// row is locked while their messages of the past hour are counted, so replicas cannot
// together pass the fair-use limit. Each other matched member is told through the
// outbox, at most once per thread and carpool.MessageNoticeGap.
func (a *App) PostMessage(ctx context.Context, me carpool.Member, rideID string, in carpool.MessageInput) (carpool.Message, error) {
	var out carpool.Message
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		now := tx.Now()
		rb, err := tx.LoadRideBook(ctx, rideID, "")
		if err != nil {
			return err
		}
		th := carpool.Thread{Ride: rb.Ride, Bookings: rb.Bookings}
		msg, err := th.Write(me, in, now)
		if err != nil {
			return err
		}
		if _, err := tx.LockMember(ctx, me.ID); err != nil {
			return err
		}
		count, err := tx.CountMessages(ctx, me.ID, rideID, now.Add(-time.Hour))
		if err != nil {
			return err
		}
		if err := a.limits.CheckMessages(count, now); err != nil {
			return err
		}
		if err := tx.InsertMessage(ctx, msg); err != nil {
			return err
		}
		last, err := tx.MessageNotices(ctx, rideID)
		if err != nil {
			return err
		}
		var events []carpool.Event
		for _, id := range carpool.NoticesDue(th.Recipients(me.ID), last, now) {
			if err := tx.SetMessageNotice(ctx, rideID, id, now); err != nil {
				return err
			}
			events = append(events, carpool.MessageEvent(msg, id, now))
		}
		out = msg
		return tx.Append(ctx, events...)
	})
	if err != nil {
		return carpool.Message{}, fmt.Errorf("post message: %w", err)
	}
	return out, nil
}

// Messages returns a page of the ride's thread, oldest first, to a member matched on
// the ride (carpool.Thread.CheckRead).
func (a *App) Messages(ctx context.Context, me carpool.Member, rideID string, p carpool.Page) ([]MessageView, string, error) {
	ride, err := a.store.Ride(ctx, rideID)
	if err != nil {
		return nil, "", err
	}
	bookings, err := a.store.RideBookings(ctx, ride.ID)
	if err != nil {
		return nil, "", err
	}
	if err := (carpool.Thread{Ride: ride, Bookings: bookings}).CheckRead(me); err != nil {
		return nil, "", err
	}
	msgs, next, err := a.store.RideMessages(ctx, ride.ID, p)
	if err != nil {
		return nil, "", err
	}
	ids := make([]string, 0, len(msgs))
	for _, m := range msgs {
		ids = append(ids, m.AuthorID)
	}
	people, err := a.membersByID(ctx, ids)
	if err != nil {
		return nil, "", err
	}
	out := make([]MessageView, len(msgs))
	for i, m := range msgs {
		out[i] = MessageView{Message: m, Author: person(people[m.AuthorID], m.AuthorID, false), Mine: m.AuthorID == me.ID}
	}
	return out, next, nil
}

// ExportedMessage is a message the member wrote, as their export lists it.
type ExportedMessage struct {
	ID        string    `json:"id"`
	RideID    string    `json:"ride_id"`
	Body      string    `json:"body,omitempty"`
	Quick     string    `json:"quick,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

func exportMessage(m carpool.Message) ExportedMessage {
	return ExportedMessage{ID: m.ID, RideID: m.RideID, Body: m.Body, Quick: string(m.Quick), CreatedAt: m.CreatedAt}
}

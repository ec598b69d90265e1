package web

import (
	"context"
	"net/http"
	"net/url"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// threadPart is a ride's thread on its page, for the driver and the passengers whose
// booking is pending or confirmed; Open is false once the ride is cancelled.
type threadPart struct {
	RideID   string
	Messages []app.MessageView
	Open     bool
	Quick    []carpool.QuickReply
}

// maxThreadPages bounds the pages of a thread one ride page reads; with the default
// thread limit every message fits.
const maxThreadPages = 5

// loadThread returns the ride's thread as me may read it, or nil when me is not matched
// on the ride (the page then shows no thread at all).
func (s *Server) loadThread(ctx context.Context, me carpool.Member, ride carpool.Ride) (*threadPart, error) {
	t := &threadPart{RideID: ride.ID, Open: ride.Status != carpool.RideCancelled, Quick: carpool.QuickReplies}
	p := carpool.Page{Limit: carpool.MaxPageLimit}
	for range maxThreadPages {
		items, next, err := s.app.Messages(ctx, me, ride.ID, p)
		if carpool.ErrorCode(err) == carpool.EFORBIDDEN {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		t.Messages = append(t.Messages, items...)
		if next == "" {
			break
		}
		p.Cursor = next
	}
	return t, nil
}

// postMessage writes in a ride's thread, a text or a quick reply (the button pressed),
// and goes back to the thread; a refused message is shown beside its input.
func (s *Server) postMessage(w http.ResponseWriter, r *http.Request, me *session) error {
	id := r.PathValue("id")
	f := copyInputs(r, "body")
	in := carpool.MessageInput{Body: f.Get("body"), Quick: r.PostFormValue("quick")}
	_, err := s.app.PostMessage(r.Context(), me.Member, id, in)
	if err == nil {
		http.Redirect(w, r, "/rides/"+url.PathEscape(id)+"#messages", http.StatusSeeOther)
		return nil
	}
	if !userFacing(err) && carpool.ErrorCode(err) != carpool.ETHROTTLED {
		return err
	}
	f.fail(r, err, map[string]string{"quick": "body"})
	f.Values.Set("seats", "1")
	return s.showRide(w, r, me, id, f, f.status())
}

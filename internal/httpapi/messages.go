package httpapi

import (
	"net/http"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// messageRoutes adds a ride's thread; the use cases are app.PostMessage and
// app.Messages.
func (s *Server) messageRoutes() {
	s.mux.Handle("GET /api/v1/rides/{id}/messages", s.authed(s.listMessages))
	s.mux.Handle("POST /api/v1/rides/{id}/messages", s.authed(s.idempotent(s.postMessage)))
}

// removedBody is what a message of an erased author says.
const removedBody = "(removed)"

type messageRequest struct {
	Body  string `json:"body"`
	Quick string `json:"quick"`
}

// messageResponse is one message; Body is what to show: the text, a quick reply in
// English (Quick names it, for a client that says it in its own language), or
// "(removed)" for an erased author's message.
type messageResponse struct {
	ID        string         `json:"id"`
	RideID    string         `json:"ride_id"`
	Author    personResponse `json:"author"`
	Mine      bool           `json:"mine"`
	Body      string         `json:"body"`
	Quick     string         `json:"quick,omitempty"`
	Removed   bool           `json:"removed"`
	CreatedAt string         `json:"created_at"`
}

func messageOut(v app.MessageView) messageResponse {
	m := v.Message
	out := messageResponse{ID: m.ID, RideID: m.RideID, Author: personOut(v.Author), Mine: v.Mine, Body: m.Body,
		Quick: string(m.Quick), Removed: m.Removed, CreatedAt: timestamp(m.CreatedAt)}
	switch {
	case m.Removed:
		out.Body = removedBody
	case m.Quick != "":
		out.Body = m.Quick.English()
	}
	return out
}

func (s *Server) listMessages(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	p, err := pageParam(r)
	if err != nil {
		return err
	}
	items, next, err := s.app.Messages(r.Context(), me, r.PathValue("id"), p)
	if err != nil {
		return err
	}
	out := make([]messageResponse, len(items))
	for i, v := range items {
		out[i] = messageOut(v)
	}
	return s.writeJSON(w, r, http.StatusOK, newList(out, next))
}

func (s *Server) postMessage(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	var req messageRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	m, err := s.app.PostMessage(r.Context(), me, r.PathValue("id"), carpool.MessageInput{Body: req.Body, Quick: req.Quick})
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusCreated, messageOut(app.MessageView{Message: m, Author: app.Person{ID: me.ID, Name: me.Name}, Mine: true}))
}

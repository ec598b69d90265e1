package httpapi

import (
	"net/http"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// notificationRoutes adds the inbox, notification preferences, webhook and delivery
// administration, and calendar URL endpoints. Each handler only translates: the use
// cases are in the application layer.
func (s *Server) notificationRoutes() {
	s.mux.Handle("GET /api/v1/notifications", s.authed(s.listNotifications))
	s.mux.Handle("GET /api/v1/notifications/unread", s.authed(s.countUnread))
	s.mux.Handle("POST /api/v1/notifications/{id}/read", s.authed(s.markNotificationRead))
	s.mux.Handle("POST /api/v1/notifications/read-all", s.authed(s.markAllNotificationsRead))
	s.mux.Handle("GET /api/v1/notifications/preferences", s.authed(s.getNotificationPreferences))
	s.mux.Handle("PUT /api/v1/notifications/preferences", s.authed(s.putNotificationPreferences))

	s.mux.Handle("GET /api/v1/webhooks", s.authed(s.listWebhooks))
	s.mux.Handle("POST /api/v1/webhooks", s.authed(s.createWebhook))
	s.mux.Handle("DELETE /api/v1/webhooks/{id}", s.authed(s.deleteWebhook))
	s.mux.Handle("POST /api/v1/webhooks/{id}/enable", s.authed(s.enableWebhook))

	s.mux.Handle("GET /api/v1/deliveries", s.authed(s.listDeadDeliveries))
	s.mux.Handle("POST /api/v1/deliveries/{id}/retry", s.authed(s.retryDelivery))

	s.mux.Handle("POST /api/v1/calendar", s.authed(s.createCalendarURL))
	s.mux.Handle("DELETE /api/v1/calendar", s.authed(s.revokeCalendarURL))
}

type notificationResponse struct {
	ID        string `json:"id"`
	Kind      string `json:"kind"`
	Title     string `json:"title"`
	Body      string `json:"body"`
	Link      string `json:"link,omitempty"`
	Language  string `json:"language,omitempty"`
	Read      bool   `json:"read"`
	CreatedAt string `json:"created_at"`
	ReadAt    string `json:"read_at,omitempty"`
}

func (s *Server) listNotifications(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	p, err := pageParam(r)
	if err != nil {
		return err
	}
	items, next, err := s.app.Inbox(r.Context(), me, p)
	if err != nil {
		return err
	}
	out := make([]notificationResponse, len(items))
	for i, n := range items {
		out[i] = notificationResponse{ID: n.ID, Kind: n.Kind, Title: n.Title, Body: n.Body, Link: n.Link, Language: n.Language, Read: n.Read(),
			CreatedAt: timestamp(n.CreatedAt), ReadAt: timestamp(n.ReadAt)}
	}
	return s.writeJSON(w, r, http.StatusOK, newList(out, next))
}

func (s *Server) countUnread(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	n, err := s.app.Unread(r.Context(), me)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, map[string]int{"unread": n})
}

func (s *Server) markNotificationRead(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	if err := s.app.MarkRead(r.Context(), me, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) markAllNotificationsRead(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	if err := s.app.MarkAllRead(r.Context(), me); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type preferencesBody struct {
	Email []string `json:"email"`
}

func (s *Server) getNotificationPreferences(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	kinds, err := s.app.EmailKinds(r.Context(), me)
	if err != nil {
		return err
	}
	if kinds == nil {
		kinds = []string{}
	}
	return s.writeJSON(w, r, http.StatusOK, preferencesBody{Email: kinds})
}

func (s *Server) putNotificationPreferences(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	var req preferencesBody
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	if req.Email == nil {
		return required("email")
	}
	if err := s.app.SetEmailKinds(r.Context(), me, req.Email); err != nil {
		return err
	}
	return s.getNotificationPreferences(w, r, me)
}

type webhookRequest struct {
	URL         *string  `json:"url"`
	Events      []string `json:"events"`
	Description string   `json:"description"`
}

type webhookResponse struct {
	ID          string   `json:"id"`
	URL         string   `json:"url"`
	Events      []string `json:"events"`
	Description string   `json:"description,omitempty"`
	Enabled     bool     `json:"enabled"`
	Failures    int      `json:"failures"`
	Secret      string   `json:"secret,omitempty"`
	CreatedAt   string   `json:"created_at"`
	DisabledAt  string   `json:"disabled_at,omitempty"`
}

func webhookOut(w carpool.Webhook, withSecret bool) webhookResponse {
	out := webhookResponse{ID: w.ID, URL: w.URL, Events: w.Events, Description: w.Description, Enabled: w.Enabled,
		Failures: w.Failures, CreatedAt: timestamp(w.CreatedAt), DisabledAt: timestamp(w.DisabledAt)}
	if out.Events == nil {
		out.Events = []string{}
	}
	if withSecret {
		out.Secret = w.Secret
	}
	return out
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	hooks, err := s.app.Webhooks(r.Context(), me)
	if err != nil {
		return err
	}
	out := make([]webhookResponse, len(hooks))
	for i, h := range hooks {
		out[i] = webhookOut(h, false)
	}
	return s.writeJSON(w, r, http.StatusOK, newList(out, ""))
}

// createWebhook registers an endpoint; the answer is the only time its secret is shown.
func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	var req webhookRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	if req.URL == nil {
		return required("url")
	}
	h, err := s.app.CreateWebhook(r.Context(), me, notifyWebhookInput(req))
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/webhooks/"+h.ID)
	return s.writeJSON(w, r, http.StatusCreated, webhookOut(h, true))
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	if err := s.app.DeleteWebhook(r.Context(), me, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) enableWebhook(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	if err := s.app.EnableWebhook(r.Context(), me, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type deliveryResponse struct {
	ID        string `json:"id"`
	EventID   string `json:"event_id"`
	Channel   string `json:"channel"`
	Recipient string `json:"recipient"`
	Status    string `json:"status"`
	Attempts  int    `json:"attempts"`
	LastError string `json:"last_error"`
	CreatedAt string `json:"created_at"`
}

func (s *Server) listDeadDeliveries(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	p, err := pageParam(r)
	if err != nil {
		return err
	}
	items, next, err := s.app.DeadDeliveries(r.Context(), me, p)
	if err != nil {
		return err
	}
	out := make([]deliveryResponse, len(items))
	for i, d := range items {
		out[i] = deliveryResponse{ID: d.ID, EventID: d.EventID, Channel: d.Channel, Recipient: d.Recipient, Status: d.Status,
			Attempts: d.Attempts, LastError: d.LastError, CreatedAt: timestamp(d.CreatedAt)}
	}
	return s.writeJSON(w, r, http.StatusOK, newList(out, next))
}

func (s *Server) retryDelivery(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	if err := s.app.RetryDelivery(r.Context(), me, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// createCalendarURL makes a new secret feed URL; the previous one stops working.
func (s *Server) createCalendarURL(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	url, err := s.app.NewCalendarURL(r.Context(), me)
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusCreated, map[string]string{"url": url})
}

func (s *Server) revokeCalendarURL(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	if err := s.app.RevokeCalendar(r.Context(), me); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func notifyWebhookInput(req webhookRequest) app.WebhookInput {
	return app.WebhookInput{URL: *req.URL, Events: req.Events, Description: req.Description}
}

package web

import (
	"net/http"
	"net/url"
	"strings"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// notificationRoutes adds the inbox, the notification settings (e-mail per kind, the
// calendar feed URL), the calendar feed itself and the webhook admin page. The use
// cases are in the application layer; these handlers only translate forms and pages.
func (s *Server) notificationRoutes(mux *routeMux) {
	mux.Handle("GET /notifications", s.signedIn(s.inbox))
	mux.Handle("POST /notifications/{id}/open", s.signedIn(s.openNotification))
	mux.Handle("POST /notifications/{id}/read", s.signedIn(s.readNotification))
	mux.Handle("POST /notifications/read-all", s.signedIn(s.readAllNotifications))
	mux.Handle("GET /notifications/preferences", s.signedIn(s.notificationPreferences))
	mux.Handle("POST /notifications/preferences", s.signedIn(s.saveNotificationPreferences))
	mux.Handle("POST /notifications/calendar", s.signedIn(s.newCalendarURL))
	mux.Handle("POST /notifications/calendar/revoke", s.signedIn(s.revokeCalendarURL))
	mux.HandleFunc("GET "+FeedRoute, s.calendarFeed)

	mux.Handle("GET /admin/webhooks", s.signedIn(s.webhooksPage))
	mux.Handle("POST /admin/webhooks", s.signedIn(s.addWebhook))
	mux.Handle("POST /admin/webhooks/{id}/enable", s.signedIn(s.enableWebhook))
	mux.Handle("POST /admin/webhooks/{id}/delete", s.signedIn(s.deleteWebhook))
	mux.Handle("POST /admin/deliveries/{id}/retry", s.signedIn(s.retryDelivery))
}

// unread is the count behind the navigation's badge; a failure only hides the badge.
func (s *Server) unread(r *http.Request, me *session) int {
	n, err := s.app.Unread(r.Context(), me.Member)
	if err != nil {
		s.log.Warn("web: count unread notifications", "err", err)
		return 0
	}
	return n
}

type inboxPage struct {
	Items []carpool.Notification
	Next  string
}

func (s *Server) inbox(w http.ResponseWriter, r *http.Request, me *session) error {
	items, next, err := s.app.Inbox(r.Context(), me.Member, carpool.Page{Limit: 50, Cursor: r.URL.Query().Get("cursor")})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "notifications", me, inboxPage{Items: items, Next: next})
	return nil
}

// openNotification marks a notification read and goes to what it is about.
func (s *Server) openNotification(w http.ResponseWriter, r *http.Request, me *session) error {
	id := r.PathValue("id")
	if err := s.app.MarkRead(r.Context(), me.Member, id); err != nil {
		return err
	}
	target := r.PostFormValue("link")
	if !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//") {
		target = "/notifications" // only paths of this site: no open redirect
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

func (s *Server) readNotification(w http.ResponseWriter, r *http.Request, me *session) error {
	if err := s.app.MarkRead(r.Context(), me.Member, r.PathValue("id")); err != nil {
		return err
	}
	redirect(w, r, "/notifications", "")
	return nil
}

func (s *Server) readAllNotifications(w http.ResponseWriter, r *http.Request, me *session) error {
	if err := s.app.MarkAllRead(r.Context(), me.Member); err != nil {
		return err
	}
	redirect(w, r, "/notifications", "allRead")
	return nil
}

type prefRow struct {
	Type, Label string
	Email       bool
}

type preferencesPage struct {
	// Mail says whether this installation sends mail; without it no e-mail choice is
	// offered, since none would be kept.
	Mail        bool
	Kinds       []prefRow
	HasCalendar bool
	CalendarURL string // shown once, right after it is made
}

func (s *Server) preferencesData(r *http.Request, me *session) (preferencesPage, error) {
	p := preferencesPage{Mail: s.app.MailOn()}
	chosen, err := s.app.EmailKinds(r.Context(), me.Member)
	if err != nil {
		return p, err
	}
	words := s.printer(r, me)
	for _, k := range carpool.NotificationKinds {
		row := prefRow{Type: k, Label: words.T("kind." + k)}
		for _, c := range chosen {
			row.Email = row.Email || c == k
		}
		p.Kinds = append(p.Kinds, row)
	}
	p.HasCalendar, err = s.app.HasCalendar(r.Context(), me.Member)
	return p, err
}

func (s *Server) notificationPreferences(w http.ResponseWriter, r *http.Request, me *session) error {
	p, err := s.preferencesData(r, me)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "preferences", me, p)
	return nil
}

func (s *Server) saveNotificationPreferences(w http.ResponseWriter, r *http.Request, me *session) error {
	if err := r.ParseForm(); err != nil {
		return carpool.Errorf(carpool.EINVALID, "the form could not be read")
	}
	if err := s.app.SetEmailKinds(r.Context(), me.Member, r.PostForm["email"]); err != nil {
		return err
	}
	redirect(w, r, "/notifications/preferences", "prefsSaved")
	return nil
}

func (s *Server) newCalendarURL(w http.ResponseWriter, r *http.Request, me *session) error {
	u, err := s.app.NewCalendarURL(r.Context(), me.Member)
	if err != nil {
		return err
	}
	p, err := s.preferencesData(r, me)
	if err != nil {
		return err
	}
	p.CalendarURL = u
	s.render(w, r, http.StatusOK, "preferences", me, p)
	return nil
}

func (s *Server) revokeCalendarURL(w http.ResponseWriter, r *http.Request, me *session) error {
	if err := s.app.RevokeCalendar(r.Context(), me.Member); err != nil {
		return err
	}
	redirect(w, r, "/notifications/preferences", "calendarRevoked")
	return nil
}

// FeedRoute is the route of the calendar feed, whose path holds the feed's token: the
// access log must show it masked (telemetry.HTTPOptions.SecretRoutes).
const FeedRoute = "/calendar/{file}"

// calendarFeed serves /calendar/{token}.ics; the token is the credential, so there is no
// session, and an unknown or revoked token is a plain 404.
func (s *Server) calendarFeed(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok || token == "" {
		http.NotFound(w, r)
		return
	}
	feed, err := s.app.CalendarFeed(r.Context(), token)
	if err != nil {
		if carpool.ErrorCode(err) == carpool.ENOTFOUND {
			http.NotFound(w, r)
			return
		}
		s.log.Error("web: calendar feed", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/calendar; charset=utf-8")
	h.Set("Cache-Control", "private, max-age=300")
	h.Set("Content-Disposition", `inline; filename="carpool.ics"`)
	_, _ = w.Write(feed)
}

type webhooksPage struct {
	Hooks     []carpool.Webhook
	Dead      []carpool.Delivery
	NewSecret string // shown once, right after the webhook is added
	NewID     string
	Form      *form
}

func (s *Server) webhooksData(r *http.Request, me *session) (webhooksPage, error) {
	var p webhooksPage
	var err error
	if p.Hooks, err = s.app.Webhooks(r.Context(), me.Member); err != nil {
		return p, err
	}
	p.Dead, _, err = s.app.DeadDeliveries(r.Context(), me.Member, carpool.Page{Limit: carpool.MaxPageLimit})
	p.Form = newForm(url.Values{})
	return p, err
}

func (s *Server) webhooksPage(w http.ResponseWriter, r *http.Request, me *session) error {
	p, err := s.webhooksData(r, me)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "webhooks", me, p)
	return nil
}

func (s *Server) addWebhook(w http.ResponseWriter, r *http.Request, me *session) error {
	if err := r.ParseForm(); err != nil {
		return carpool.Errorf(carpool.EINVALID, "the form could not be read")
	}
	var events []string
	for _, e := range strings.Split(r.PostForm.Get("events"), ",") {
		if e = strings.TrimSpace(e); e != "" {
			events = append(events, e)
		}
	}
	h, err := s.app.CreateWebhook(r.Context(), me.Member, app.WebhookInput{URL: strings.TrimSpace(r.PostForm.Get("url")),
		Events: events, Description: r.PostForm.Get("description")})
	if err != nil && !userFacing(err) {
		return err
	}
	p, derr := s.webhooksData(r, me)
	if derr != nil {
		return derr
	}
	if err != nil {
		p.Form = newForm(r.PostForm)
		p.Form.Message = s.printer(r, me).Error(err)
		s.render(w, r, http.StatusUnprocessableEntity, "webhooks", me, p)
		return nil
	}
	p.NewSecret, p.NewID = h.Secret, h.ID
	s.render(w, r, http.StatusOK, "webhooks", me, p)
	return nil
}

func (s *Server) enableWebhook(w http.ResponseWriter, r *http.Request, me *session) error {
	if err := s.app.EnableWebhook(r.Context(), me.Member, r.PathValue("id")); err != nil {
		return err
	}
	redirect(w, r, "/admin/webhooks", "webhookEnabled")
	return nil
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request, me *session) error {
	if err := s.app.DeleteWebhook(r.Context(), me.Member, r.PathValue("id")); err != nil {
		return err
	}
	redirect(w, r, "/admin/webhooks", "webhookDeleted")
	return nil
}

func (s *Server) retryDelivery(w http.ResponseWriter, r *http.Request, me *session) error {
	if err := s.app.RetryDelivery(r.Context(), me.Member, r.PathValue("id")); err != nil {
		return err
	}
	redirect(w, r, "/admin/webhooks", "retried")
	return nil
}

// notificationFlashes are the messages after the forms above (catalogue ids flash.KEY).
var notificationFlashes = []string{"allRead", "prefsSaved", "calendarRevoked", "webhookEnabled", "webhookDeleted", "retried"}

func init() {
	for _, k := range notificationFlashes {
		flashes[k] = true
	}
}

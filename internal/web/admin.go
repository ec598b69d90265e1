package web

import (
	"net/http"
	"net/url"
	"strings"

	"carpool/internal/carpool"
)

type membersPage struct {
	Members []carpool.Member
	Query   string
	All     bool
	Next    string // the query string of the next page, when there is one
	Me      carpool.Member
}

// adminMembers lists and searches members for admins, a page at a time.
func (s *Server) adminMembers(w http.ResponseWriter, r *http.Request, me *session) error {
	q := r.URL.Query()
	f := carpool.MemberFilter{Query: q.Get("q"), IncludeInactive: q.Get("all") == "1"}
	list, next, err := s.app.Members(r.Context(), me.Member, f, carpool.Page{Limit: 50, Cursor: q.Get("cursor")})
	if err != nil {
		return err
	}
	p := membersPage{Members: list, Query: f.Query, All: f.IncludeInactive, Me: me.Member}
	if next != "" {
		v := url.Values{"q": {f.Query}, "cursor": {next}}
		if f.IncludeInactive {
			v.Set("all", "1")
		}
		p.Next = v.Encode()
	}
	s.render(w, r, http.StatusOK, "members", me, p)
	return nil
}

// memberAction changes a member's role, or deactivates or reactivates them; deactivating
// asks first and says what will be released.
func (s *Server) memberAction(w http.ResponseWriter, r *http.Request, me *session) error {
	ctx := r.Context()
	target, err := s.app.Member(ctx, me.Member, r.PathValue("id"))
	if err != nil {
		return err
	}
	back := "/admin/members?q=" + url.QueryEscape(target.Email) + "&all=1"
	var done string
	switch r.PathValue("action") {
	case "role":
		_, err = s.app.SetRole(ctx, me.Member, target.ID, carpool.Role(r.PostFormValue("role")))
		done = "roleChanged"
	case "deactivate":
		if !confirmed(r) {
			p := s.printer(r, me)
			return s.askFirst(w, r, me, confirmation{
				Title: p.T("confirm.deactivate", "Name", target.Name), Verb: p.T("confirm.deactivate_yes", "Name", target.Name), Back: back,
				Consequences: []string{
					p.T("confirm.deactivate_signed_out", "Name", target.Name),
					p.T("confirm.deactivate_rides", "Name", target.Name),
					p.T("confirm.deactivate_bookings", "Name", target.Name),
					p.T("confirm.deactivate_past"),
				},
			})
		}
		_, err = s.app.Deactivate(ctx, me.Member, target.ID)
		done = "deactivated"
	case "reactivate":
		_, err = s.app.Reactivate(ctx, me.Member, target.ID)
		done = "reactivated"
	default:
		return carpool.Errorf(carpool.ENOTFOUND, "no such action")
	}
	if err != nil {
		return err
	}
	redirect(w, r, back, done)
	return nil
}

type auditPage struct {
	Entries []carpool.AuditEntry
	Names   map[string]string // members by id: the actors, and the members that details name
	// MemberDetail are the actions whose detail is a member's id, shown by their name.
	MemberDetail map[string]bool
	Action       string
	Next         string
}

// memberDetail are the audit actions whose detail is the id of the member acted for: the
// reservation's holder, the ride's driver.
var memberDetail = map[string]bool{carpool.AuditReservationFreed: true, carpool.AuditRideCancelled: true}

// adminAudit shows the audit log to admins, newest page first by filter.
func (s *Server) adminAudit(w http.ResponseWriter, r *http.Request, me *session) error {
	q := r.URL.Query()
	f := carpool.AuditFilter{Action: strings.TrimSpace(q.Get("action"))}
	entries, next, err := s.app.AuditLog(r.Context(), me.Member, f, carpool.Page{Limit: 100, Cursor: q.Get("cursor")})
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(entries))
	for _, e := range entries {
		if e.ActorID != "" {
			ids = append(ids, e.ActorID)
		}
		if memberDetail[e.Action] && e.Detail != "" {
			ids = append(ids, e.Detail)
		}
	}
	names, err := s.app.MemberNames(r.Context(), me.Member, ids)
	if err != nil {
		return err
	}
	p := auditPage{Entries: entries, Names: names, MemberDetail: memberDetail, Action: f.Action}
	if next != "" {
		p.Next = url.Values{"action": {f.Action}, "cursor": {next}}.Encode()
	}
	s.render(w, r, http.StatusOK, "audit", me, p)
	return nil
}

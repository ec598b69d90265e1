package httpapi

import (
	"net/http"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

type roleRequest struct {
	Role string `json:"role"`
}

type deactivationResponse struct {
	Member       memberResponse `json:"member"`
	Rides        int            `json:"rides_cancelled"`
	Bookings     int            `json:"bookings_cancelled"`
	Reservations int            `json:"reservations_cancelled"`
	Sessions     int            `json:"sessions_ended"`
}

type auditResponse struct {
	ID          string `json:"id"`
	At          string `json:"at"`
	ActorID     string `json:"actor_id,omitempty"`
	Action      string `json:"action"`
	SubjectType string `json:"subject_type"`
	SubjectID   string `json:"subject_id"`
	Detail      string `json:"detail,omitempty"`
}

// listMembers lists and searches members (admins).
func (s *Server) listMembers(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	p, err := pageParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := carpool.MemberFilter{Query: q.Get("q"), Role: carpool.Role(q.Get("role"))}
	if f.IncludeInactive, err = boolParam(r, "include_inactive"); err != nil {
		return err
	}
	members, next, err := s.app.Members(r.Context(), me, f, p)
	if err != nil {
		return err
	}
	out := make([]memberResponse, len(members))
	for i, m := range members {
		out[i] = memberOut(m)
	}
	return s.writeJSON(w, r, http.StatusOK, newList(out, next))
}

func (s *Server) getMember(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	m, err := s.app.Member(r.Context(), me, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, memberOut(m))
}

func (s *Server) setRole(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	var req roleRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	m, err := s.app.SetRole(r.Context(), me, r.PathValue("id"), carpool.Role(req.Role))
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, memberOut(m))
}

func (s *Server) deactivateMember(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	d, err := s.app.Deactivate(r.Context(), me, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, deactivationResponse{
		Member: memberOut(d.Member), Rides: d.Rides, Bookings: d.Bookings, Reservations: d.Reservations, Sessions: d.Sessions,
	})
}

func (s *Server) reactivateMember(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	m, err := s.app.Reactivate(r.Context(), me, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusOK, memberOut(m))
}

// listAudit lets admins browse the audit log, oldest first.
func (s *Server) listAudit(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	p, err := pageParam(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := carpool.AuditFilter{ActorID: q.Get("actor_id"), SubjectID: q.Get("subject_id"), Action: q.Get("action")}
	if f.Since, err = parseTime("since", q.Get("since")); err != nil {
		return err
	}
	if f.Until, err = parseTime("until", q.Get("until")); err != nil {
		return err
	}
	entries, next, err := s.app.AuditLog(r.Context(), me, f, p)
	if err != nil {
		return err
	}
	out := make([]auditResponse, len(entries))
	for i, e := range entries {
		out[i] = auditResponse{ID: e.ID, At: timestamp(e.At), ActorID: e.ActorID, Action: e.Action,
			SubjectType: e.SubjectType, SubjectID: e.SubjectID, Detail: e.Detail}
	}
	return s.writeJSON(w, r, http.StatusOK, newList(out, next))
}

type profilePatch struct {
	Name  *string `json:"name"`
	Phone *string `json:"phone"`
	Email *string `json:"email"`
	// Language ("en", "de", "" to follow the browser) and TimeZone (IANA, "" for the
	// installation's default).
	Language *string `json:"language"`
	TimeZone *string `json:"time_zone"`
	// ShareWithPartners publishes the member's rides to partner operators, or stops.
	ShareWithPartners *bool `json:"share_with_partners"`
}

type passwordChange struct {
	Current string `json:"current_password"`
	New     string `json:"new_password"`
}

type sessionResponse struct {
	ID        string `json:"id"`
	Current   bool   `json:"current"`
	CreatedAt string `json:"created_at"`
	ExpiresAt string `json:"expires_at"`
}

func (s *Server) patchMe(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	var req profilePatch
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	m, err := s.app.UpdateProfile(r.Context(), me, app.ProfilePatch{Name: req.Name, Phone: req.Phone, Email: req.Email,
		Language: req.Language, TimeZone: req.TimeZone, ShareWithPartners: req.ShareWithPartners})
	if err != nil {
		return err
	}
	return s.writeMe(w, r, m)
}

// changePassword replaces the caller's password; every other session ends.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	var req passwordChange
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	if err := s.app.ChangePassword(r.Context(), me, req.Current, req.New, currentToken(r.Context()).ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listSessions(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	tokens, err := s.app.Sessions(r.Context(), me)
	if err != nil {
		return err
	}
	current := currentToken(r.Context()).ID
	out := make([]sessionResponse, len(tokens))
	for i, t := range tokens {
		out[i] = sessionResponse{ID: t.ID, Current: t.ID == current, CreatedAt: timestamp(t.CreatedAt), ExpiresAt: timestamp(t.ExpiresAt)}
	}
	return s.writeJSON(w, r, http.StatusOK, newList(out, ""))
}

func (s *Server) revokeSession(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	if err := s.app.RevokeSession(r.Context(), me, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type erasure struct {
	Password string `json:"password"`
}

// exportMe answers with everything held about the caller, as a JSON download.
func (s *Server) exportMe(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	x, err := s.app.ExportMine(r.Context(), me)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Disposition", `attachment; filename="carpool-my-data.json"`)
	return s.writeJSON(w, r, http.StatusOK, x)
}

// eraseMe erases the caller's account once they confirm it with their password.
func (s *Server) eraseMe(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	var req erasure
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	if err := s.app.EraseMe(r.Context(), me, req.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) eraseMember(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	if err := s.app.EraseMember(r.Context(), me, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

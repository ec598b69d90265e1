package httpapi

import (
	"net/http"

	"carpool/internal/carpool"
)

type signUpRequest struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password"`
	Phone    string `json:"phone"`
}

type memberResponse struct {
	ID            string `json:"id"`
	Email         string `json:"email"`
	Name          string `json:"name"`
	Phone         string `json:"phone,omitempty"`
	Role          string `json:"role"`
	Active        bool   `json:"active"`
	DeactivatedAt string `json:"deactivated_at,omitempty"`
	CreatedAt     string `json:"created_at"`
	UpdatedAt     string `json:"updated_at"`
}

func memberOut(m carpool.Member) memberResponse {
	return memberResponse{
		ID: m.ID, Email: m.Email, Name: m.Name, Phone: m.Phone, Role: string(m.Role),
		Active: m.Active(), DeactivatedAt: timestamp(m.DeactivatedAt),
		CreatedAt: timestamp(m.CreatedAt), UpdatedAt: timestamp(m.UpdatedAt),
	}
}

// signUp creates a member when the sign-up policy allows the email's domain.
func (s *Server) signUp(w http.ResponseWriter, r *http.Request, _ carpool.Member) error {
	var req signUpRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	m, err := s.app.SignUp(r.Context(), carpool.NewMember{Email: req.Email, Name: req.Name, Phone: req.Phone, Password: req.Password})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/me")
	return s.writeJSON(w, r, http.StatusCreated, memberOut(m))
}

func (s *Server) getMe(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	return s.writeJSON(w, r, http.StatusOK, memberOut(me))
}

type tokenRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type tokenResponse struct {
	Token     string `json:"token"`
	ExpiresAt string `json:"expires_at"`
}

// createToken signs a member in.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request, _ carpool.Member) error {
	var req tokenRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	session, err := s.app.SignIn(r.Context(), req.Email, req.Password, s.client.Of(r))
	if err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusCreated, tokenResponse{Token: session.Secret, ExpiresAt: timestamp(session.Token.ExpiresAt)})
}

// deleteCurrentToken signs out: the token the request came with stops working.
func (s *Server) deleteCurrentToken(w http.ResponseWriter, r *http.Request, _ carpool.Member) error {
	if err := s.app.SignOut(r.Context(), currentToken(r.Context())); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

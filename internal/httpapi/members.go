package httpapi

import (
	"net/http"

	"carpool/internal/carpool"
	"carpool/internal/locale"
)

type signUpRequest struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password"`
	Phone    string `json:"phone"`
	// Language and TimeZone are optional; without a language the best match of the
	// request's Accept-Language is the member's.
	Language string `json:"language"`
	TimeZone string `json:"time_zone"`
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
	// PendingEmail is the address the member asked to change to and has not confirmed
	// (only in answers about the caller themselves).
	PendingEmail string `json:"pending_email,omitempty"`
	// Language and TimeZone are the member's settings (only in answers about the caller
	// themselves): "" follows the browser and the installation's default zone.
	Language *string `json:"language,omitempty"`
	TimeZone *string `json:"time_zone,omitempty"`
	// ShareWithPartners says whether the member publishes their rides to partner
	// operators (only in answers about the caller themselves).
	ShareWithPartners *bool `json:"share_with_partners,omitempty"`
}

func memberOut(m carpool.Member) memberResponse {
	return memberResponse{
		ID: m.ID, Email: m.Email, Name: m.Name, Phone: m.Phone, Role: string(m.Role),
		Active: m.Active(), DeactivatedAt: timestamp(m.DeactivatedAt),
		CreatedAt: timestamp(m.CreatedAt), UpdatedAt: timestamp(m.UpdatedAt),
	}
}

// signUp creates a member when the sign-up policy allows the email's domain. An address
// that has an account gets the same 201 (see app.SignUp): the body is shaped the same,
// and no account is made.
func (s *Server) signUp(w http.ResponseWriter, r *http.Request, _ carpool.Member) error {
	var req signUpRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	if req.Language == "" {
		req.Language = locale.Accepted(r.Header.Get("Accept-Language"))
	}
	m, err := s.app.SignUp(r.Context(), carpool.NewMember{Email: req.Email, Name: req.Name, Phone: req.Phone, Password: req.Password,
		Language: req.Language, TimeZone: req.TimeZone})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/me")
	return s.writeJSON(w, r, http.StatusCreated, memberOut(m))
}

func (s *Server) getMe(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	return s.writeMe(w, r, me)
}

// writeMe answers with the caller's own member, with the address change they await.
func (s *Server) writeMe(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
	out := memberOut(me)
	pending, err := s.app.PendingEmail(r.Context(), me)
	if err != nil {
		return err
	}
	out.PendingEmail = pending
	out.Language, out.TimeZone = &me.Language, &me.TimeZone
	out.ShareWithPartners = &me.ShareWithPartners
	return s.writeJSON(w, r, http.StatusOK, out)
}

type forgotPasswordRequest struct {
	Email string `json:"email"`
}

type acceptedResponse struct {
	Message string `json:"message"`
}

// resetRequested is the one answer to a reset request, whatever the address.
const resetRequested = "If this address belongs to an account, a link to set a new password is on its way. It works once, for 30 minutes."

// forgotPassword mails a reset link if the address has an account; the answer is the
// same either way.
func (s *Server) forgotPassword(w http.ResponseWriter, r *http.Request, _ carpool.Member) error {
	var req forgotPasswordRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	if err := s.app.ForgotPassword(r.Context(), req.Email, s.client.Of(r)); err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusAccepted, acceptedResponse{Message: resetRequested})
}

type resetPasswordRequest struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// resetPassword sets a new password with the token of a mailed link.
func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request, _ carpool.Member) error {
	var req resetPasswordRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	if err := s.app.ResetForgottenPassword(r.Context(), req.Token, req.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type confirmEmailRequest struct {
	Token string `json:"token"`
}

// confirmEmail makes the address of a mailed email-change link the member's.
func (s *Server) confirmEmail(w http.ResponseWriter, r *http.Request, _ carpool.Member) error {
	var req confirmEmailRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	if _, err := s.app.ConfirmEmail(r.Context(), req.Token); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
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

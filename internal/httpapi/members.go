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
	ID        string `json:"id"`
	Email     string `json:"email"`
	Name      string `json:"name"`
	Phone     string `json:"phone,omitempty"`
	Role      string `json:"role"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

func memberOut(m carpool.Member) memberResponse {
	return memberResponse{
		ID: m.ID, Email: m.Email, Name: m.Name, Phone: m.Phone, Role: string(m.Role),
		CreatedAt: timestamp(m.CreatedAt), UpdatedAt: timestamp(m.UpdatedAt),
	}
}

// signUp creates a member when the sign-up policy allows the email's domain. Members made
// this way always get the member role.
func (s *Server) signUp(w http.ResponseWriter, r *http.Request, _ carpool.Member) error {
	if !s.signup.Open() {
		return carpool.Errorf(carpool.EFORBIDDEN, "sign-up is closed; ask an administrator for an account")
	}
	var req signUpRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	in, err := carpool.NewMember{Email: req.Email, Name: req.Name, Phone: req.Phone, Password: req.Password, Role: carpool.RoleMember}.Validate()
	if err != nil {
		return err
	}
	if !s.signup.Allows(in.Email) {
		return carpool.FieldErrorf(carpool.EFORBIDDEN, "email", "sign-up is not open to this email domain")
	}
	hash, err := carpool.HashPassword(in.Password)
	if err != nil {
		return err
	}
	now := carpool.Timestamp(s.now())
	m := carpool.Member{
		ID: carpool.NewID(), Email: in.Email, Name: in.Name, Phone: in.Phone, Role: in.Role,
		PasswordHash: hash, CreatedAt: now, UpdatedAt: now,
	}
	if err := s.store.CreateMember(r.Context(), m); err != nil {
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

// createToken signs a member in. An unknown email costs as much time as a wrong
// password, so the answer's timing does not tell which addresses have accounts.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request, _ carpool.Member) error {
	var req tokenRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	badCredentials := carpool.Errorf(carpool.EUNAUTHORIZED, "email or password is wrong")
	m, err := s.store.MemberByEmail(r.Context(), carpool.NormalizeEmail(req.Email))
	switch {
	case carpool.ErrorCode(err) == carpool.ENOTFOUND:
		carpool.CheckNoPassword(req.Password)
		return badCredentials
	case err != nil:
		return err
	case !carpool.CheckPassword(m.PasswordHash, req.Password):
		return badCredentials
	}
	t, secret, err := carpool.NewToken(m.ID, carpool.Timestamp(s.now()))
	if err != nil {
		return err
	}
	if err := s.store.CreateToken(r.Context(), t); err != nil {
		return err
	}
	return s.writeJSON(w, r, http.StatusCreated, tokenResponse{Token: secret, ExpiresAt: timestamp(t.ExpiresAt)})
}

// deleteCurrentToken signs out: the token the request came with stops working.
func (s *Server) deleteCurrentToken(w http.ResponseWriter, r *http.Request, _ carpool.Member) error {
	if err := s.store.DeleteToken(r.Context(), currentToken(r.Context()).ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

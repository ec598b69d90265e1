package sso_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"carpool/internal/carpool"
	"carpool/internal/sso"
	"carpool/internal/sso/ssotest"
)

// redirect is carpool's callback as registered at the provider; no carpool listens on it:
// these tests take the code from the provider's redirect themselves.
const redirect = "http://127.0.0.1:9/auth/oidc/callback"

// signIn runs the provider's side of a sign-in that p started with attempt a and returns
// the code it sends back.
func signIn(t *testing.T, op *ssotest.Provider, p *sso.Provider, a sso.Attempt, client string, u ssotest.User) string {
	t.Helper()
	auth, err := p.AuthURL(context.Background(), a)
	if err != nil {
		t.Fatalf("auth URL: %v", err)
	}
	parsed, err := url.Parse(auth)
	if err != nil {
		t.Fatal(err)
	}
	q := parsed.Query()
	q.Set("client_id", client)
	return op.Code(t, client, redirect, u, q)
}

func TestIdentify(t *testing.T) {
	op := ssotest.Start(t, redirect)
	ctx := context.Background()
	cfg := sso.Config{Issuer: op.Issuer, ClientID: ssotest.ClientID, ClientSecret: ssotest.ClientSecret, RedirectURL: redirect}
	p := sso.New(cfg)

	a := sso.NewAttempt()
	code := signIn(t, op, p, a, ssotest.ClientID, ssotest.Ann)
	id, err := p.Identify(ctx, code, a)
	if err != nil {
		t.Fatalf("identify: %v", err)
	}
	if id.Email != ssotest.Ann.Email || !id.EmailVerified || id.Name != "Ann Provider" || id.Subject == "" {
		t.Errorf("got %+v, want Ann's verified address and name", id)
	}

	refusals := []struct {
		name   string
		code   func(t *testing.T) (string, sso.Attempt)
		client *sso.Provider
		reason string
	}{
		{"replayed code", func(t *testing.T) (string, sso.Attempt) { return code, a }, p, "redeem code"},
		{"another attempt's PKCE verifier", func(t *testing.T) (string, sso.Attempt) {
			a := sso.NewAttempt()
			code := signIn(t, op, p, a, ssotest.ClientID, ssotest.Ann)
			a.Verifier = sso.NewAttempt().Verifier
			return code, a
		}, p, "redeem code"},
		{"another attempt's nonce", func(t *testing.T) (string, sso.Attempt) {
			a := sso.NewAttempt()
			code := signIn(t, op, p, a, ssotest.ClientID, ssotest.Ann)
			a.Nonce = sso.NewAttempt().Nonce
			return code, a
		}, p, "nonce"},
		{"ID token for another client", func(t *testing.T) (string, sso.Attempt) {
			a := sso.NewAttempt()
			return signIn(t, op, p, a, ssotest.ClientID, ssotest.Ann), a
		}, sso.New(func() sso.Config {
			// A correctly signed ID token of the same provider and user, issued to the
			// other client, handed over by the token endpoint.
			other := op.IDToken(t, ssotest.OtherClient, redirect, op.Code(t, ssotest.OtherClient, redirect, ssotest.Ann, nil))
			c := cfg
			c.HTTPClient = ssotest.SwapIDToken(other)
			return c
		}()), "audience"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			code, a := tt.code(t)
			_, err := tt.client.Identify(ctx, code, a)
			if carpool.ErrorCode(err) != carpool.EUNAUTHORIZED || !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("got %v, want unauthorized because of %s", err, tt.reason)
			}
		})
	}
}

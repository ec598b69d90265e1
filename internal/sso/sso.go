// Package sso signs members in through an OpenID Connect provider (Entra ID, Keycloak,
// Google Workspace, ...): the authorisation code flow with PKCE, state and nonce. It speaks
// the protocol only; who may sign in and with which role is the application's decision
// (app.SignInWithProvider).
package sso

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"carpool/internal/carpool"
)

// Config names the provider and carpool's registration there.
type Config struct {
	// Issuer is the provider's issuer URL, exactly as its discovery document says it.
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is carpool's callback as registered at the provider:
	// https://carpool.example.com/auth/oidc/callback.
	RedirectURL string
	// RoleClaim names the claim whose values the role mapping looks at (e.g. groups).
	RoleClaim string
	// HTTPClient talks to the provider; nil means a client with a 10 s timeout. Tests
	// put a transport in it that alters the provider's answers.
	HTTPClient *http.Client
}

// Provider is one OpenID provider. Its discovery document is fetched on first use, so
// carpool starts while the provider is down and signs in once it is back.
type Provider struct {
	cfg Config

	mu       sync.Mutex
	provider *oidc.Provider
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
}

// providerTimeout bounds each request to the provider, so a slow one cannot hold a
// sign-in (and its server goroutine) for long.
const providerTimeout = 10 * time.Second

// New returns the provider of cfg.
func New(cfg Config) *Provider {
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: providerTimeout}
	}
	return &Provider{cfg: cfg}
}

func (p *Provider) ctx(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, p.cfg.HTTPClient)
}

// discover fetches the discovery document once it is needed and keeps it after the
// first success.
func (p *Provider) discover(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.provider != nil {
		return nil
	}
	provider, err := oidc.NewProvider(p.ctx(ctx), p.cfg.Issuer)
	if err != nil {
		return fmt.Errorf("discover OpenID provider %s: %w", p.cfg.Issuer, err)
	}
	p.provider = provider
	p.oauth = oauth2.Config{
		ClientID:     p.cfg.ClientID,
		ClientSecret: p.cfg.ClientSecret,
		RedirectURL:  p.cfg.RedirectURL,
		Endpoint:     provider.Endpoint(),
		Scopes:       []string{oidc.ScopeOpenID, "email", "profile"},
	}
	// The verifier checks the signature against the provider's published keys, the
	// issuer, that the audience is our client id, and expiry.
	p.verifier = provider.Verifier(&oidc.Config{ClientID: p.cfg.ClientID})
	return nil
}

// Attempt is what one sign-in must remember between sending the browser to the provider
// and its return: the state that ties the answer to this browser, the nonce that ties the
// ID token to this attempt, and the PKCE verifier that only we can present with the code.
type Attempt struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
}

// NewAttempt returns fresh random values for one sign-in.
func NewAttempt() Attempt {
	return Attempt{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier()}
}

func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// AuthURL returns where to send the browser to sign in at the provider.
func (p *Provider) AuthURL(ctx context.Context, a Attempt) (string, error) {
	if err := p.discover(ctx); err != nil {
		return "", err
	}
	return p.oauth.AuthCodeURL(a.State, oidc.Nonce(a.Nonce), oauth2.S256ChallengeOption(a.Verifier)), nil
}

// Identity is who the provider says signed in.
type Identity struct {
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
	// Roles are the values of the configured role claim (a string or a list of them).
	Roles []string
}

// refused is the error for a sign-in that the provider's answer does not prove: the
// browser sees only the carpool.Error's message, the log the reason wrapped around it.
func refused(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{carpool.Errorf(carpool.EUNAUTHORIZED,
		"the sign-in at your organisation's provider could not be verified; please try again")}, args...)...)
}

// Identify redeems the code the provider sent the browser back with, verifies the ID
// token (signature, issuer, audience, expiry, and the nonce of attempt a) and returns
// the identity. Anything unproven is EUNAUTHORIZED, wrapped with the reason.
func (p *Provider) Identify(ctx context.Context, code string, a Attempt) (Identity, error) {
	if err := p.discover(ctx); err != nil {
		return Identity{}, err
	}
	ctx = p.ctx(ctx)
	tok, err := p.oauth.Exchange(ctx, code, oauth2.VerifierOption(a.Verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			// The provider refused the code: used before, expired, or not ours.
			return Identity{}, refused("redeem code: %v", err)
		}
		return Identity{}, fmt.Errorf("redeem code: %w", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok || raw == "" {
		return Identity{}, refused("the token response has no id_token")
	}
	idt, err := p.verifier.Verify(ctx, raw)
	if err != nil {
		return Identity{}, refused("verify ID token: %v", err)
	}
	if idt.Nonce == "" || idt.Nonce != a.Nonce {
		return Identity{}, refused("ID token nonce does not match this sign-in")
	}
	claims := map[string]any{}
	if err := idt.Claims(&claims); err != nil {
		return Identity{}, refused("ID token claims: %v", err)
	}
	// Providers may leave profile claims out of the ID token and serve them from the
	// userinfo endpoint instead; that answer counts only for the same subject.
	if _, ok := claims["email"]; !ok {
		info, err := p.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return Identity{}, fmt.Errorf("userinfo: %w", err)
		}
		if info.Subject != idt.Subject {
			return Identity{}, refused("userinfo subject %q is not the ID token's %q", info.Subject, idt.Subject)
		}
		more := map[string]any{}
		if err := info.Claims(&more); err != nil {
			return Identity{}, refused("userinfo claims: %v", err)
		}
		for k, v := range more {
			if _, taken := claims[k]; !taken {
				claims[k] = v
			}
		}
	}
	id := Identity{Subject: idt.Subject, Email: str(claims["email"]), Name: str(claims["name"])}
	switch v := claims["email_verified"].(type) {
	case bool:
		id.EmailVerified = v
	case string:
		id.EmailVerified = v == "true"
	}
	if id.Name == "" {
		id.Name = str(claims["preferred_username"])
	}
	if p.cfg.RoleClaim != "" {
		switch v := claims[p.cfg.RoleClaim].(type) {
		case string:
			id.Roles = []string{v}
		case []any:
			for _, r := range v {
				if s := str(r); s != "" {
					id.Roles = append(id.Roles, s)
				}
			}
		}
	}
	return id, nil
}

func str(v any) string { s, _ := v.(string); return s }

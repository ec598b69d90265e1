package carpool

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// TokenPrefix starts every API token, so a leaked token is easy to recognise in a scan.
const TokenPrefix = "cpt_"

// TokenLifetime is how long an API token (and a web session) stays valid.
const TokenLifetime = 30 * 24 * time.Hour

// Token is a bearer credential of a member. Only the SHA-256 of the secret is stored: a
// stolen database holds no usable token.
type Token struct {
	ID        string
	MemberID  string
	Hash      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// NewToken makes a token for a member and returns it with the secret that the member
// presents; the secret is not kept anywhere.
func NewToken(memberID string, now time.Time) (Token, string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return Token{}, "", fmt.Errorf("new token: %w", err)
	}
	secret := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	t := Token{
		ID:        NewID(),
		MemberID:  memberID,
		Hash:      HashToken(secret),
		CreatedAt: now,
		ExpiresAt: now.Add(TokenLifetime),
	}
	return t, secret, nil
}

// HashToken returns the stored form of a token secret.
func HashToken(secret string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(secret)))
	return hex.EncodeToString(sum[:])
}

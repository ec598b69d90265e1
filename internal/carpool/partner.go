package carpool

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math"
	"time"
)

// PartnerKeyPrefix marks a partner's API key, so a leaked one is recognisable in logs
// and secret scanners.
const PartnerKeyPrefix = "cpk_"

// Partner is an operator (a journey planner, a MaaS app) that reads shared rides through
// the standard-covoiturage API with its key.
type Partner struct {
	ID   string
	Name string
	// KeyHash is the SHA-256 of the key; the key itself is shown once and never kept.
	KeyHash string
	// AliasSalt keys the partner's driver aliases; it never leaves the server, so a
	// partner cannot compute an alias from a driver id, nor link two partners' aliases.
	AliasSalt string
	CreatedAt time.Time
	RevokedAt time.Time
}

// Active reports whether the partner's key still opens the API.
func (p Partner) Active() bool { return p.RevokedAt.IsZero() }

// NewPartner makes a partner named name and returns it with its key.
func NewPartner(name string, now time.Time) (Partner, string, error) {
	name, err := nameText.Clean("name", name)
	if err != nil {
		return Partner{}, "", err
	}
	raw := make([]byte, 64)
	if _, err := rand.Read(raw); err != nil {
		return Partner{}, "", fmt.Errorf("new partner: %w", err)
	}
	key := PartnerKeyPrefix + base64.RawURLEncoding.EncodeToString(raw[:32])
	return Partner{ID: NewID(), Name: name, KeyHash: HashToken(key),
		AliasSalt: hex.EncodeToString(raw[32:]), CreatedAt: Timestamp(now)}, key, nil
}

// Revoke ends the partner's access at now; a second revocation is a conflict.
func (p *Partner) Revoke(now time.Time) error {
	if !p.Active() {
		return Errorf(ECONFLICT, "the partner is already revoked")
	}
	p.RevokedAt = Timestamp(now)
	return nil
}

// DriverAlias is the name partner p knows member memberID by: stable for that partner,
// different for every other, and not reversible without the partner's salt.
func (p Partner) DriverAlias(memberID string) string {
	mac := hmac.New(sha256.New, []byte(p.AliasSalt))
	mac.Write([]byte(memberID))
	return "d_" + hex.EncodeToString(mac.Sum(nil)[:12])
}

// partnerGridDegrees is the step places are rounded to for partners: 0.003° of latitude
// is about 330 m, so a shared place tells the neighbourhood, not the house.
const partnerGridDegrees = 0.003

// Approximate returns p rounded to the partner grid (see approximateOn).
func Approximate(p Point) Point { return approximateOn(p, partnerGridDegrees) }

func roundTo(v, step float64) float64 {
	r := math.Round(v/step) * step
	// Six decimals (about 0.1 m) drop the float noise of the multiplication.
	return math.Round(r*1e6) / 1e6
}

// PartnerStore reads partners; creating and revoking them are the application layer's,
// in a Tx.
type PartnerStore interface {
	// Partners returns every partner, revoked ones included, oldest first.
	Partners(ctx context.Context) ([]Partner, error)
	// PartnerByKeyHash returns the partner whose key hashes to hash, revoked or not.
	PartnerByKeyHash(ctx context.Context, hash string) (Partner, error)
}

// PartnerTx writes partners inside a transaction.
type PartnerTx interface {
	CreatePartner(ctx context.Context, p Partner) error
	LockPartner(ctx context.Context, id string) (Partner, error)
	SetPartnerRevoked(ctx context.Context, id string, at time.Time) error
}

// PartnerRateStore counts partner requests where every replica sees the same count.
type PartnerRateStore interface {
	// CountPartnerRequest adds one request of the partner to the window that starts at
	// window and returns how many the window holds now.
	CountPartnerRequest(ctx context.Context, partnerID string, window time.Time) (int, error)
}

// PartnerRateWindow is the length of the windows a partner's requests are counted in.
const PartnerRateWindow = time.Minute

// PartnerWindow returns the start of the rate window now falls in.
func PartnerWindow(now time.Time) time.Time { return now.UTC().Truncate(PartnerRateWindow) }

// CheckPartnerRate decides whether a partner whose window starting at window now holds
// count requests (this one included) stays within rate; beyond, ETHROTTLED says when the
// next window opens.
func CheckPartnerRate(count, rate int, window, now time.Time) error {
	if count <= rate {
		return nil
	}
	e := Errorf(ETHROTTLED, "too many requests from this partner; retry later")
	e.RetryAfter = max(window.Add(PartnerRateWindow).Sub(now), time.Second)
	return e
}

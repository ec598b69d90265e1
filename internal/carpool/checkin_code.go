package carpool

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"time"
)

// SiteCodes signs the check-in codes shown at sites: one code per site and local day,
// so a code photographed today is worth nothing tomorrow or at another site. A code
// is "<site id>.<YYYY-MM-DD>.<signature>"; the signature is an HMAC-SHA-256 of the
// site and the day under the deployment's secret, so nobody can make one without it.
type SiteCodes struct {
	Secret []byte
}

// codePurpose separates these signatures from any other use of the same secret.
const codePurpose = "carpool check-in code v1"

func (c SiteCodes) sign(siteID string, day Date) string {
	mac := hmac.New(sha256.New, c.Secret)
	mac.Write([]byte(codePurpose + "\x00" + siteID + "\x00" + day.String()))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// Code returns the site's code for day.
func (c SiteCodes) Code(siteID string, day Date) string {
	return siteID + "." + day.String() + "." + c.sign(siteID, day)
}

// Verify checks a scanned code at now: it must be signed by this deployment and name
// a site and that site's today in the site's zone (zoneOf). It returns the site's id;
// a code of another day, a forged or altered one is refused naming the field code.
func (c SiteCodes) Verify(code string, now time.Time, zoneOf func(siteID string) (*time.Location, error)) (string, error) {
	bad := FieldErrorf(EINVALID, "code", "the check-in code is not valid")
	parts := strings.Split(code, ".")
	if len(c.Secret) == 0 || len(parts) != 3 {
		return "", bad
	}
	siteID, day, sig := parts[0], parts[1], parts[2]
	d, err := ParseDate(day)
	if err != nil || d.String() != day || !hmac.Equal([]byte(sig), []byte(c.sign(siteID, d))) {
		return "", bad
	}
	zone, err := zoneOf(siteID)
	if err != nil {
		return "", err
	}
	if DateOf(now.In(zone)) != d {
		return "", FieldErrorf(EINVALID, "code", "the check-in code is not today's: scan the code shown at the site today")
	}
	return siteID, nil
}

package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"carpool/internal/carpool"
)

// etag is the entity tag of a resource version: sites, cars and rides carry a version
// that every update increments.
func etag(version int) string { return `"v` + strconv.Itoa(version) + `"` }

// ifMatch returns the version that If-Match demands, 0 when the header is absent or "*".
// The store compares it in the same transaction that updates, so a stale tag is answered
// with 409. The header must hold a single entity tag this server gave out; any other
// value can never match and is answered with 409 as well.
func ifMatch(r *http.Request) (int, error) {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	if v == "" || v == "*" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(v, `"v`), `"`))
	if err != nil || n < 1 || !strings.HasPrefix(v, `"v`) || !strings.HasSuffix(v, `"`) {
		return 0, carpool.FieldErrorf(carpool.ECONFLICT, "if_match", "If-Match %s does not match the current version", v)
	}
	return n, nil
}

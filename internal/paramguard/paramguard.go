// Package paramguard refuses the path and query values of a request that no handler can
// use — an id no row can have, text that is not valid UTF-8 or that holds control or
// bidirectional characters, a value longer than any parameter needs — before the
// handler runs. Both edges (API and web) route every request through it, so no such
// value reaches a store and both engines answer alike: PostgreSQL cannot even compare
// text holding a NUL byte or invalid UTF-8, where SQLite would simply find nothing.
package paramguard

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"carpool/internal/carpool"
)

// Limits on the length of a value, in bytes. No query parameter of ours needs more
// than a cursor or a search text; no path segment but an id more than a word.
const (
	MaxQueryValue   = 1024
	MaxPathSegment  = 128
	maxQueryEntries = 64
)

// Refusal says why a request was refused: 404 for a path value (the page or resource
// cannot exist), 400 for a query value, naming the parameter.
type Refusal struct {
	Status  int
	Field   string
	Message string
}

func (r *Refusal) Error() string { return r.Message }

// Check returns why r's path values or query cannot be served, or nil. r must have been
// routed by a ServeMux (its Pattern and path values set).
func Check(r *http.Request) *Refusal {
	for _, name := range wildcards(r.Pattern) {
		v := r.PathValue(name)
		if isIDName(name) {
			if !carpool.ValidID(v) {
				return &Refusal{Status: http.StatusNotFound, Field: name, Message: "not found"}
			}
			continue
		}
		if len(v) > MaxPathSegment || !plainText(v) {
			return &Refusal{Status: http.StatusNotFound, Field: name, Message: "not found"}
		}
	}
	if r.URL.RawQuery == "" {
		return nil
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return &Refusal{Status: http.StatusBadRequest, Message: "the query string is malformed"}
	}
	if len(q) > maxQueryEntries {
		return &Refusal{Status: http.StatusBadRequest, Message: "the query string has too many parameters"}
	}
	for key, values := range q {
		if len(key) > MaxPathSegment || !plainText(key) {
			return &Refusal{Status: http.StatusBadRequest, Message: "the query string holds a malformed parameter name"}
		}
		for _, v := range values {
			if refusal := checkQueryValue(key, v); refusal != nil {
				return refusal
			}
		}
	}
	return nil
}

func checkQueryValue(key, v string) *Refusal {
	switch {
	case len(v) > MaxQueryValue:
		return &Refusal{Status: http.StatusBadRequest, Field: key,
			Message: fmt.Sprintf("%s must be at most %d bytes", key, MaxQueryValue)}
	case !plainText(v):
		return &Refusal{Status: http.StatusBadRequest, Field: key,
			Message: key + " must be text without control or bidirectional characters"}
	case isIDName(key) && v != "" && !carpool.ValidID(v):
		return &Refusal{Status: http.StatusBadRequest, Field: key, Message: key + " must be an id"}
	}
	return nil
}

// isIDName reports whether a parameter holds an id: "id", "car_id", "site_id", ...
func isIDName(name string) bool { return name == "id" || strings.HasSuffix(name, "_id") }

// plainText reports whether s is valid UTF-8 without control characters or the
// bidirectional controls that make text read differently from how it is stored.
func plainText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069' {
			return false
		}
	}
	return true
}

// wildcards returns the names of the wildcards of a ServeMux pattern, "{id}" and
// "{rest...}" alike.
func wildcards(pattern string) []string {
	var out []string
	for {
		open := strings.IndexByte(pattern, '{')
		if open < 0 {
			return out
		}
		end := strings.IndexByte(pattern[open:], '}')
		if end < 0 {
			return out
		}
		name := strings.TrimSuffix(pattern[open+1:open+end], "...")
		if name != "$" {
			out = append(out, name)
		}
		pattern = pattern[open+end+1:]
	}
}

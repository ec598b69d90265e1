package httpapi

import (
	"net/http"
	"strconv"

	"carpool/internal/carpool"
)

// list is the envelope of every paginated answer.
type list[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

func newList[T any](items []T, next string) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items, NextCursor: next}
}

// pageParam reads ?limit= and ?cursor=.
func pageParam(r *http.Request) (carpool.Page, error) {
	q := r.URL.Query()
	var p carpool.Page
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return p, badRequest("limit", "limit must be an integer")
		}
		p.Limit = n
		if n == 0 {
			return p, carpool.FieldErrorf(carpool.EINVALID, "limit", "limit must be between 1 and %d", carpool.MaxPageLimit)
		}
	}
	p.Cursor = q.Get("cursor")
	p, err := p.Normalize()
	if carpool.ErrorField(err) == "cursor" {
		return p, badCursor()
	}
	return p, err
}

// badCursor is the answer to a cursor this server did not give out: the request is
// malformed (400), like any other unreadable parameter, whatever bytes it decodes to.
func badCursor() error { return badRequest("cursor", "cursor is not one this server gave out") }

// boolParam reads an optional boolean query parameter.
func boolParam(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, badRequest(name, name+" must be true or false")
	}
	return b, nil
}

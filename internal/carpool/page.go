package carpool

import (
	"encoding/base64"
	"unicode"
	"unicode/utf8"
)

// Page limits.
const (
	DefaultPageLimit = 20
	MaxPageLimit     = 100
)

// Page asks for one page of a list: up to Limit items after the position that Cursor
// (from the previous page's NextCursor) marks.
type Page struct {
	Limit  int
	Cursor string
}

// Normalize fills the default limit and checks the page.
func (p Page) Normalize() (Page, error) {
	if p.Limit == 0 {
		p.Limit = DefaultPageLimit
	}
	if p.Limit < 1 || p.Limit > MaxPageLimit {
		return p, FieldErrorf(EINVALID, "limit", "limit must be between 1 and %d", MaxPageLimit)
	}
	if _, err := p.After(); err != nil {
		return p, err
	}
	return p, nil
}

// After returns the position the cursor stands for ("" for the first page).
func (p Page) After() (string, error) {
	if p.Cursor == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(p.Cursor)
	if err != nil || len(b) == 0 || len(b) > 200 || !cursorText(b) {
		return "", FieldErrorf(EINVALID, "cursor", "cursor is not one this server gave out")
	}
	return string(b), nil
}

// CursorAfter returns the opaque cursor for the page after position.
func CursorAfter(position string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(position))
}

// PageOf trims items fetched with limit+1 to the page and returns the cursor of the next
// page, or "" when this is the last one. key gives an item's position.
func PageOf[T any](items []T, limit int, key func(T) string) ([]T, string) {
	if len(items) <= limit {
		return items, ""
	}
	items = items[:limit]
	return items, CursorAfter(key(items[len(items)-1]))
}

// cursorText reports whether b is valid UTF-8 without control characters, as every
// position this server encodes in a cursor is; a forged cursor with NUL bytes or invalid
// UTF-8 is refused before it reaches a query.
func cursorText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

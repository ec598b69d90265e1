package carpool

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Text is how a free-text field may look: its length in characters after cleaning, and
// whether it may span lines (notes) or must be one line (names, labels).
type Text struct {
	Min, Max  int
	Multiline bool
}

// Clean returns s as it is stored: NFC-normalised (so "é" typed two ways is one name),
// trimmed, with line breaks as "\n". It refuses invalid UTF-8, NUL and other control
// characters (line breaks and tabs only in multiline text), bidirectional overrides and
// isolates (U+202A–U+202E, U+2066–U+2069, which make text read differently from how it
// is stored), and required text without a visible character (only spaces or zero-width
// characters); optional text without one becomes empty. Errors are EINVALID about field.
func (t Text) Clean(field, s string) (string, error) {
	if !utf8.ValidString(s) {
		return s, FieldErrorf(EINVALID, field, "%s must be valid UTF-8", FieldName(field))
	}
	s = strings.TrimSpace(norm.NFC.String(s))
	if t.Multiline {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	visible := false
	for _, r := range s {
		switch {
		case t.Multiline && (r == '\n' || r == '\t'):
		case unicode.IsControl(r):
			return s, FieldErrorf(EINVALID, field, "%s must not contain control characters", FieldName(field))
		case isBidiControl(r):
			return s, FieldErrorf(EINVALID, field, "%s must not contain bidirectional override characters", FieldName(field))
		case isVisible(r):
			visible = true
		}
	}
	if !visible && t.Min == 0 {
		s = "" // optional text that shows nothing is no text
	}
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0 && t.Min > 0 || t.Min > 0 && !visible:
		return s, FieldErrorf(EINVALID, field, "%s is required", FieldName(field))
	case n < t.Min:
		return s, FieldErrorf(EINVALID, field, "%s must have at least %d characters", FieldName(field), t.Min)
	case n > t.Max:
		return s, FieldErrorf(EINVALID, field, "%s must have at most %d characters", FieldName(field), t.Max)
	}
	return s, nil
}

// isBidiControl reports the embedding, override and isolate controls of Unicode's
// bidirectional algorithm.
func isBidiControl(r rune) bool {
	return r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069'
}

// isVisible reports whether r leaves a mark: not a space, not a format character (the
// zero-width ones), not one of the fillers that render as blank.
func isVisible(r rune) bool {
	if unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || !unicode.IsGraphic(r) {
		return false
	}
	switch r {
	case '\u115f', '\u1160', '\u3164', '\uffa0', '\u2800':
		return false
	}
	return true
}

// The kinds of free text the model holds. Every free-text field of every entity is
// cleaned by one of these, so no engine ever sees a control or bidi character and both
// store the same string.
var (
	nameText         = Text{Min: 1, Max: 100}
	addressText      = Text{Min: 1, Max: 300}
	labelText        = Text{Min: 1, Max: 200}
	carText          = Text{Min: 1, Max: 50}
	plateText        = Text{Min: 2, Max: 16}
	notesText        = Text{Min: 0, Max: MaxNotes, Multiline: true}
	placeNameText    = Text{Min: 1, Max: 60}
	placeAddressText = Text{Min: 0, Max: 300}
	descriptionText  = Text{Min: 0, Max: 200}
	// SearchText is the rule for a search box (members, audit, addresses): optional, one
	// line, short enough that a query is cheap.
	SearchText = Text{Min: 0, Max: MaxMemberQuery}
)

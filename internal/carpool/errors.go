package carpool

import (
	"errors"
	"fmt"
	"time"
)

// Error codes. Each maps to one HTTP status at the edge; the set is small on purpose.
const (
	EINVALID      = "invalid"      // well-formed input with a wrong value (422)
	ENOTFOUND     = "not_found"    // unknown id, or an id the caller may not see (404)
	ECONFLICT     = "conflict"     // the state forbids it: full ride, overlap, stale version (409)
	EUNAUTHORIZED = "unauthorized" // no or bad credentials (401)
	EFORBIDDEN    = "forbidden"    // known caller, not allowed (403)
	EINTERNAL     = "internal"     // anything else; details never reach a user (500)
	ETHROTTLED    = "throttled"    // too many attempts from this account or address; retry later (429)
	EUNAVAILABLE  = "unavailable"  // the process is at capacity for this work; retry later (503)
)

// Error is a domain error: a code, a message that is safe to show a user, and the input
// field it is about, when there is one. When several fields are wrong at once, Fields
// lists each of them (the first is also Code, Field and Message), so a form can mark
// every one in a single answer.
type Error struct {
	Code    string
	Message string
	Field   string
	Fields  []FieldError
	// RetryAfter, when set, is how long the caller should wait before trying again
	// (ETHROTTLED, EUNAVAILABLE); the edges send it as Retry-After.
	RetryAfter time.Duration

	phrase Phrase // Message before formatting; zero when Message was set as a literal
}

// FieldError is one input field at fault and a message that is safe to show a user.
type FieldError struct {
	Field   string
	Message string

	phrase Phrase
}

// Phrase returns the message before formatting. A message set as a literal Message is
// its own format, without arguments.
func (e *Error) Phrase() Phrase {
	if e.phrase.Format == "" {
		return Phrase{Format: e.Message}
	}
	return e.phrase
}

// Phrase returns the message before formatting, as Error.Phrase does.
func (f FieldError) Phrase() Phrase {
	if f.phrase.Format == "" {
		return Phrase{Format: f.Message}
	}
	return f.phrase
}

// WithField returns a copy of e about field.
func (e *Error) WithField(field string) *Error {
	c := *e
	c.Field = field
	return &c
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("carpool error: code=%s field=%s message=%s", e.Code, e.Field, e.Message)
	}
	return fmt.Sprintf("carpool error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Code: code, Message: msg, phrase: Phrase{Format: format, Args: args, english: msg}}
}

// FieldErrorf returns an Error about one input field.
func FieldErrorf(code, field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Code: code, Field: field, Message: msg, phrase: Phrase{Format: format, Args: args, english: msg}}
}

// ErrorCode returns the code of the domain error in err's chain, EINTERNAL for any other
// error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of the domain error in err's chain, or a
// generic message for any other error, so internal details never leak.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// ErrorField returns the input field the domain error in err's chain is about, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// ErrorFields returns every input field the domain error in err's chain is about, in the
// order they were checked: its Fields, or its one Field, or nothing.
func ErrorFields(err error) []FieldError {
	var e *Error
	if !errors.As(err, &e) {
		return nil
	}
	if len(e.Fields) > 0 {
		return e.Fields
	}
	if e.Field != "" {
		return []FieldError{{Field: e.Field, Message: e.Message, phrase: e.phrase}}
	}
	return nil
}

// fieldErrors collects the EINVALID errors of a validation that checks every field
// before it answers.
type fieldErrors []FieldError

// add records err, which must be nil or an EINVALID field error, and reports whether it
// was one.
func (fe *fieldErrors) add(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	if len(e.Fields) > 0 {
		*fe = append(*fe, e.Fields...)
	} else {
		*fe = append(*fe, FieldError{Field: e.Field, Message: e.Message, phrase: e.phrase})
	}
	return true
}

// err returns nil when no field was wrong, else one EINVALID error naming them all.
func (fe fieldErrors) err() error {
	switch len(fe) {
	case 0:
		return nil
	case 1:
		return &Error{Code: EINVALID, Field: fe[0].Field, Message: fe[0].Message, phrase: fe[0].phrase}
	}
	return &Error{Code: EINVALID, Field: fe[0].Field, Message: fe[0].Message, phrase: fe[0].phrase, Fields: fe}
}

// RetryAfter returns how long the domain error in err's chain asks the caller to wait, or
// zero.
func RetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// StaleVersion is the error for an update whose If-Match no longer holds: what is now at
// version have.
func StaleVersion(what Phrase, have int) error {
	return FieldErrorf(ECONFLICT, "if_match", "the %s was changed meanwhile (now version %d); reload and retry", what, have)
}

// JoinInvalid returns one EINVALID error naming every field of the EINVALID errors among
// errs (nil ones skipped), each field once with its first message, so a caller that
// checks some fields itself (a required value that is missing) reports them together
// with the domain's verdict on the others. An error of another kind is returned as it is.
func JoinInvalid(errs ...error) error {
	var fe fieldErrors
	seen := map[string]bool{}
	for _, err := range errs {
		if err == nil {
			continue
		}
		if ErrorCode(err) != EINVALID {
			return err
		}
		var one fieldErrors
		if !one.add(err) {
			return err
		}
		for _, f := range one {
			if !seen[f.Field] {
				seen[f.Field] = true
				fe = append(fe, f)
			}
		}
	}
	return fe.err()
}

// Required is the error for a required value that is missing.
func Required(field string) error {
	return FieldErrorf(EINVALID, field, "%s is required", FieldName(field))
}

package carpool

import (
	"fmt"
	"time"
)

// Phrase is words for a person before they are said: an English fmt format and its
// arguments. An Error's Message is its Phrase said in English, for logs and the API; a
// page in another language says Format in its own words with the same arguments, so
// every format must be a string literal that the catalogue can translate. An argument
// may itself be a Phrase (the action someone may not take, what was throttled), which
// the page then says in its language too.
type Phrase struct {
	Format string
	Args   []any

	english string
}

// FieldName is an input field's name as an argument of a message ("%s is required"), so
// a page can say the field's label in its own language instead.
type FieldName string

// Moment is a point in time as an argument of a message: RFC 3339 in English, as the API
// writes times, and the page's own way in other languages.
type Moment time.Time

func (m Moment) String() string { return time.Time(m).Format(time.RFC3339) }

// Phrasef returns the Phrase of format and args.
func Phrasef(format string, args ...any) Phrase {
	return Phrase{Format: format, Args: args, english: fmt.Sprintf(format, args...)}
}

// String says t in English.
func (t Phrase) String() string {
	switch {
	case t.english != "":
		return t.english
	case len(t.Args) == 0:
		return t.Format // a literal Message, which is no format
	}
	return fmt.Sprintf(t.Format, t.Args...)
}

package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/locale"
)

// form is a submitted (or prefilled) form: the values as typed, so a page shown again
// keeps them, and the errors by field name, shown beside their input.
type form struct {
	// words say the form's messages in the request's language; labels passed to the
	// parsers below are catalogue ids.
	words   *locale.Printer
	Values  url.Values
	Errors  map[string]string
	Message string // an error that belongs to no single field
	err     error  // the domain error shown, which decides the page's status
}

// say says the text id in the form's language (English for a form made without a
// request).
func (f *form) say(id string, kv ...any) string {
	return f.printer().T(id, kv...)
}

func newForm(v url.Values) *form {
	if v == nil {
		v = url.Values{}
	}
	return &form{Values: v, Errors: map[string]string{}}
}

// Get returns the value of a field as typed.
func (f *form) Get(name string) string { return f.Values.Get(name) }

// Err returns the error shown beside a field, or "".
func (f *form) Err(name string) string { return f.Errors[name] }

// Is reports whether a field holds value (for checked radios and selected options).
func (f *form) Is(name, value string) bool { return f.Values.Get(name) == value }

// Valid reports whether no error was recorded.
func (f *form) Valid() bool { return len(f.Errors) == 0 && f.Message == "" }

func (f *form) fieldError(name, msg string) {
	if _, ok := f.Errors[name]; !ok {
		f.Errors[name] = msg
	}
}

// fail records a domain error beside every input it is about, in the language of r.
// fields maps the domain's field names ("from.lat") to this form's inputs ("from"); a
// field the form does not show, or no field at all, makes the message the form's
// general message.
func (f *form) fail(r *http.Request, err error, fields map[string]string) {
	if f.words == nil {
		f.words = wordsOf(r)
	}
	p := f.printer()
	f.err = err
	shown := false
	for _, fe := range carpool.ErrorFields(err) {
		name := fe.Field
		if alias, ok := fields[name]; ok {
			name = alias
		}
		if _, ok := f.Values[name]; ok {
			f.fieldError(name, p.FieldMessage(fe))
			shown = true
		} else if f.Message == "" {
			f.Message = p.FieldMessage(fe)
		}
	}
	if !shown && f.Message == "" {
		f.Message = p.Error(err)
	}
}

// printer is the form's language, the default one for a form made without a request.
func (f *form) printer() *locale.Printer {
	if f.words == nil {
		return locale.For(locale.Default)
	}
	return f.words
}

// status is the HTTP status a form that failed is shown with: the status of the domain
// error it shows, or 422 when an input could not even be read.
func (f *form) status() int {
	if f.err != nil {
		return app.HTTPStatus(f.err)
	}
	return http.StatusUnprocessableEntity
}

// userFacing reports whether err is a domain error a form should show rather than a
// failure to log: invalid input or a conflicting state.
func userFacing(err error) bool {
	switch carpool.ErrorCode(err) {
	case carpool.EINVALID, carpool.ECONFLICT, carpool.EFORBIDDEN:
		return true
	}
	return false
}

// Parsers read one input, record an error beside it when it is malformed, and return the
// zero value then; the domain checks the values' ranges.

// readOrMissing returns &v when input name was read without an error, else nil: the
// application then reports the value as missing together with every other wrong field,
// so a form shows them all at once.
func readOrMissing[T any](f *form, name string, v T) *T {
	if f.Err(name) != "" {
		return nil
	}
	return &v
}

func (f *form) text(name string) string { return strings.TrimSpace(f.Get(name)) }

func (f *form) required(name, label string) string {
	v := f.text(name)
	if v == "" {
		f.fieldError(name, f.say("form.required", "Field", f.say(label)))
	}
	return v
}

func (f *form) integer(name, label string) int {
	v := f.text(name)
	n, err := strconv.Atoi(v)
	if err != nil {
		f.fieldError(name, f.say("form.whole_number", "Field", f.say(label)))
		return 0
	}
	return n
}

func (f *form) float(name, label string) float64 {
	v := strings.ReplaceAll(f.text(name), ",", ".")
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		f.fieldError(name, f.say("form.number", "Field", f.say(label)))
		return 0
	}
	return x
}

// point reads "LAT,LON" (as "use my location" fills it or a person types it).
func (f *form) point(name, label string) *carpool.Point {
	v := f.text(name)
	if v == "" {
		return nil
	}
	lat, lon, ok := strings.Cut(v, ",")
	if !ok {
		lat, lon, ok = strings.Cut(v, " ")
	}
	la, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
	lo, err2 := strconv.ParseFloat(strings.TrimSpace(lon), 64)
	if !ok || err1 != nil || err2 != nil {
		f.fieldError(name, f.say("form.point", "Field", f.say(label), "Example", "48.137,11.575"))
		return nil
	}
	return &carpool.Point{Lat: la, Lon: lo}
}

// optional returns the zero value for an empty input, else what parse reads.
func optional[T any](f *form, name string, parse func() T) T {
	var zero T
	if f.text(name) == "" {
		return zero
	}
	return parse()
}

// localTimeLayout is the value format of <input type="datetime-local">.
const localTimeLayout = "2006-01-02T15:04"

// when reads a datetime-local input as a time in loc.
func (f *form) when(name, label string, loc *time.Location) time.Time {
	v := f.text(name)
	if v == "" {
		f.fieldError(name, f.say("form.required", "Field", f.say(label)))
		return time.Time{}
	}
	for _, layout := range []string{localTimeLayout, "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t
		}
	}
	f.fieldError(name, f.say("form.datetime", "Field", f.say(label), "Example", "2026-03-01T08:30"))
	return time.Time{}
}

package locale

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"

	"carpool/internal/carpool"
)

// The domain's messages (carpool.Error) are written in English, as fmt formats, where
// they arise. catalog/errors/<code>.json says each format in another language: the key
// is the English format itself, the value the same message with the same verbs, in the
// same order or numbered (%[2]s). English needs no file; a format without letters
// ("%s: %s") is the same in every language.
//
//go:embed catalog/errors/*.json
var errorCatalogs embed.FS

// errorFormats are parsed on first use, like the page catalogues.
var errorFormats = sync.OnceValue(mustErrorFormats)

func mustErrorFormats() map[string]map[string]string {
	files, err := ErrorCatalogues()
	if err != nil {
		panic(err)
	}
	out := make(map[string]map[string]string, len(files))
	for code, b := range files {
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("locale: error catalogue %s: %v", code, err))
		}
		out[code] = m
	}
	return out
}

// ErrorCatalogues returns the raw catalogues of the domain's messages by language code,
// for tests and tools that check them.
func ErrorCatalogues() (map[string][]byte, error) {
	files, err := fs.Glob(errorCatalogs, "catalog/errors/*.json")
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(files))
	for _, f := range files {
		b, err := errorCatalogs.ReadFile(f)
		if err != nil {
			return nil, err
		}
		out[strings.TrimSuffix(path.Base(f), ".json")] = b
	}
	return out, nil
}

// verbs matches the fmt verbs of a format, with their flags, argument index, width and
// precision, and %%.
var verbs = regexp.MustCompile(`%(?:%|[-+# 0]*(?:\[\d+\])?(?:\d+|\*)?(?:\.(?:\d+|\*)?)?[a-zA-Z])`)

// NeedsTranslation reports whether a domain message format has words to translate; one
// of only verbs and punctuation ("%s: %s") reads the same in every language.
func NeedsTranslation(format string) bool {
	return strings.IndexFunc(verbs.ReplaceAllString(format, ""), unicode.IsLetter) >= 0
}

// Error says the user-facing message of the domain error in err's chain in the
// printer's language, or the language's "internal error" for any other error, so
// internal details never reach a page. English is carpool.ErrorMessage's text.
func (p *Printer) Error(err error) string {
	var e *carpool.Error
	if !errors.As(err, &e) {
		if err == nil {
			return ""
		}
		return p.T("error.internal")
	}
	return p.say(e.Phrase(), e.Message)
}

// FieldMessage says the message of one field at fault in the printer's language.
func (p *Printer) FieldMessage(fe carpool.FieldError) string {
	return p.say(fe.Phrase(), fe.Message)
}

// Phrase says a domain phrase in the printer's language.
func (p *Printer) Phrase(ph carpool.Phrase) string { return p.say(ph, ph.String()) }

// say says ph in the printer's language, or english when the language is English or
// its catalogue lacks the format (the catalogue tests fail first).
func (p *Printer) say(ph carpool.Phrase, english string) string {
	if p.Code() == "en" {
		return english
	}
	format := ph.Format
	if NeedsTranslation(format) {
		f, ok := errorFormats()[p.Code()][format]
		if !ok {
			return english
		}
		format = f
	}
	if len(ph.Args) == 0 {
		return format
	}
	args := make([]any, len(ph.Args))
	for i, a := range ph.Args {
		args[i] = p.arg(a)
	}
	return p.num.Sprintf(format, args...)
}

// arg is an argument of a domain message as the printer's language writes it: phrases
// and states in its words, days and moments in its formats. Fractions stay numbers,
// which the number printer writes in the language's way (a decimal comma in German).
func (p *Printer) arg(a any) any {
	switch v := a.(type) {
	case carpool.Phrase:
		return p.Phrase(v)
	case *carpool.Error:
		return p.Error(v)
	case carpool.Moment:
		return p.arg(time.Time(v))
	case time.Time:
		if p.zone != nil {
			v = v.In(p.zone)
		}
		return p.When(v)
	case time.Duration:
		return p.Wait(v)
	case time.Weekday:
		return p.Weekday(v)
	case carpool.Date:
		return p.Date(time.Date(v.Year, v.Month, v.Day, 0, 0, 0, 0, time.UTC))
	case carpool.Weekdays:
		return p.Weekdays(v.Has)
	case carpool.FieldName:
		if id := "field." + string(v); p.Has(id) {
			return p.T(id)
		}
		return string(v)
	}
	rv := reflect.ValueOf(a)
	switch rv.Kind() {
	case reflect.String:
		// A string of a named type is a state (a booking's, a car's): the words the
		// templates' status helper uses.
		if rv.Type() != reflect.TypeFor[string]() {
			if id := "status." + rv.String(); p.Has(id) {
				return p.T(id)
			}
			return rv.String()
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return wholeNumber(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return wholeNumber(rv.Uint())
	}
	return a
}

// wholeNumber is a whole number in a domain message: a count, a limit or a version,
// written without grouping ("Version 1234"), which the number printer would add.
type wholeNumber int64

func (n wholeNumber) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, fmt.FormatString(f, verb), int64(n))
}

// Wait is how long someone must wait, rounded up to whole seconds or minutes: "30
// seconds", "2 Minuten".
func (p *Printer) Wait(d time.Duration) string {
	switch {
	case d <= time.Second:
		return p.N("wait.seconds", 1)
	case d < time.Minute:
		return p.N("wait.seconds", int((d+time.Second-1)/time.Second))
	default:
		return p.N("wait.minutes", int((d+time.Minute-1)/time.Minute))
	}
}

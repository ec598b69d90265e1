package locale

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// Printer says texts and formats values in one language. It is safe for concurrent use.
type Printer struct {
	zone *time.Location // where the moments in domain messages are shown; nil: as they are
	tag  language.Tag
	loc  *i18n.Localizer
	num  *message.Printer
	fmt  formats
}

func newPrinter(t language.Tag) *Printer {
	return &Printer{tag: t, loc: i18n.NewLocalizer(bundle(), t.String()), num: message.NewPrinter(t), fmt: formatsOf(t)}
}

// In returns a printer of the same language that shows the moments of domain messages
// (carpool.Moment) in loc, as a page shows its other times.
func (p *Printer) In(loc *time.Location) *Printer {
	c := *p
	c.zone = loc
	return &c
}

// Zone is where p shows moments (see In); UTC when no zone was set.
func (p *Printer) Zone() *time.Location {
	if p.zone == nil {
		return time.UTC
	}
	return p.zone
}

// Tag is the printer's language.
func (p *Printer) Tag() language.Tag { return p.tag }

// Code is the printer's language code ("en", "de").
func (p *Printer) Code() string { return Code(p.tag) }

// T says the text id, filling its {{.Name}} placeholders from kv, which alternates
// names and values. An id that no catalogue has comes back as itself, so a missing text
// shows on the page rather than failing it (the catalogue tests catch it first).
func (p *Printer) T(id string, kv ...any) string {
	return p.localize(id, nil, kv)
}

// N says the text id in the plural form for count; the count is {{.Count}} in the text.
func (p *Printer) N(id string, count int, kv ...any) string {
	return p.localize(id, count, append([]any{"Count", count}, kv...))
}

func (p *Printer) localize(id string, count any, kv []any) string {
	var data map[string]any
	if len(kv) > 0 {
		data = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			k, _ := kv[i].(string)
			data[k] = kv[i+1]
		}
	}
	s, err := p.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil {
		var nf *i18n.MessageNotFoundErr
		if errors.As(err, &nf) || s == "" {
			return id
		}
	}
	return s
}

// Has reports whether the catalogue of the printer's language holds id itself (not
// through the English fallback).
func (p *Printer) Has(id string) bool {
	_, tag, err := p.loc.LocalizeWithTag(&i18n.LocalizeConfig{MessageID: id, PluralCount: 1})
	if err != nil {
		_, tag, err = p.loc.LocalizeWithTag(&i18n.LocalizeConfig{MessageID: id})
	}
	return err == nil && tag == p.tag
}

// Number formats x with the given number of decimals, in the language's way: 1,234.5
// in English, 1.234,5 in German.
func (p *Printer) Number(x float64, decimals int) string {
	return p.num.Sprint(number.Decimal(x, number.Scale(decimals)))
}

// Exact formats x with as many decimals as it needs and no more: 0.16844 and 0.17 stay
// as they are, in the language's way (0,16844 in German).
func (p *Printer) Exact(x float64) string {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	decimals := 0
	if i := strings.IndexByte(s, '.'); i >= 0 {
		decimals = len(s) - i - 1
	}
	return p.Number(x, decimals)
}

// Int formats a whole number with the language's grouping.
func (p *Printer) Int(n int) string { return p.num.Sprint(number.Decimal(n)) }

// KM is a distance with one decimal: "12.5 km", "12,5 km".
func (p *Printer) KM(x float64) string { return p.Number(x, 1) + " km" }

// KG is a mass with one decimal: "3.2 kg", "3,2 kg".
func (p *Printer) KG(x float64) string { return p.Number(x, 1) + " kg" }

// Percent is a share (0.5 for half) as a percentage with one decimal: "50.0 %".
func (p *Printer) Percent(share float64) string { return p.Number(share*100, 1) + " %" }

// Join lists items as a sentence does: "a, b and c", "a, b und c".
func (p *Printer) Join(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + p.T("list.and") + " " + items[len(items)-1]
}

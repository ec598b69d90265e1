package locale

import (
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// formats are how a language writes moments. The zero-padded 24-hour clock is the same
// in both languages; English puts the day before an abbreviated month ("Mon 30 Nov
// 2026"), German writes numeric dates ("Mo. 30.11.2026").
type formats struct {
	weekdays [7]string // short names, Sunday first
	months   [12]string
	german   bool
}

func formatsOf(t language.Tag) formats {
	if b, _ := t.Base(); b.String() == "de" {
		return formats{
			weekdays: [7]string{"So.", "Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa."},
			months:   [12]string{"Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."},
			german:   true,
		}
	}
	return formats{
		weekdays: [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
		months:   [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
	}
}

// The formatting methods show t in its own location; callers move it into the zone
// they want shown first.

// Clock is the time of day on a 24-hour clock: "07:10".
func (p *Printer) Clock(t time.Time) string { return t.Format("15:04") }

// Date is the day: "30 Nov 2026", "30.11.2026".
func (p *Printer) Date(t time.Time) string {
	if p.fmt.german {
		return t.Format("02.01.2006")
	}
	return strconv.Itoa(t.Day()) + " " + p.fmt.months[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// Day is a day in the near future or past, with its weekday and without the year:
// "Mon 30 Nov", "Mo. 30.11.".
func (p *Printer) Day(t time.Time) string {
	wd := p.fmt.weekdays[t.Weekday()]
	if p.fmt.german {
		return wd + " " + t.Format("02.01.")
	}
	return wd + " " + strconv.Itoa(t.Day()) + " " + p.fmt.months[t.Month()-1]
}

// Short is a day without weekday and year, as a chart's axis labels it: "30 Nov",
// "30.11.".
func (p *Printer) Short(t time.Time) string {
	if p.fmt.german {
		return t.Format("02.01.")
	}
	return strconv.Itoa(t.Day()) + " " + p.fmt.months[t.Month()-1]
}

// Weekday is the short name of a day of the week: "Mon", "Mo.".
func (p *Printer) Weekday(d time.Weekday) string { return p.fmt.weekdays[d] }

// Weekdays lists days of the week, Monday first, by their short names: "Mon, Wed",
// "Mo., Mi.".
func (p *Printer) Weekdays(has func(time.Weekday) bool) string {
	var names []string
	for i := 1; i <= 7; i++ {
		if d := time.Weekday(i % 7); has(d) {
			names = append(names, p.fmt.weekdays[d])
		}
	}
	return strings.Join(names, ", ")
}

// When is a moment in pages and sentences: weekday, date and time of day,
// "Mon 30 Nov 2026, 07:10", "Mo. 30.11.2026, 07:10".
func (p *Printer) When(t time.Time) string {
	return p.fmt.weekdays[t.Weekday()] + " " + p.Date(t) + ", " + p.Clock(t)
}

package carpool

import (
	"fmt"
	"strings"
	"time"
)

// Date is a calendar day with no time zone: the day a commute happens on, read in the
// series' own zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// dateLayout is how a Date is written in the API, forms and the database.
const dateLayout = "2006-01-02"

// ParseDate reads a date written 2006-01-02.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(dateLayout, strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("parse date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// DateOf returns the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// IsZero reports whether d is the zero Date, which means "no date" (an open end).
func (d Date) IsZero() bool { return d == Date{} }

// String writes d as 2006-01-02, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// midnight is d at 00:00 UTC: a unit for day arithmetic that no DST change can bend.
func (d Date) midnight() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// AddDays returns the day n days after d.
func (d Date) AddDays(n int) Date { return DateOf(d.midnight().AddDate(0, 0, n)) }

// Weekday returns d's day of the week.
func (d Date) Weekday() time.Weekday { return d.midnight().Weekday() }

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool { return d.midnight().Before(e.midnight()) }

// After reports whether d is a later day than e.
func (d Date) After(e Date) bool { return e.Before(d) }

// Clock is a wall-clock time of day, to the minute.
type Clock struct {
	Hour   int
	Minute int
}

// ParseClock reads a time of day written 15:04.
func ParseClock(s string) (Clock, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return Clock{}, fmt.Errorf("parse time of day %q: want HH:MM", s)
	}
	return Clock{t.Hour(), t.Minute()}, nil
}

// String writes c as 15:04.
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

// minutes is c as minutes after midnight, for comparisons.
func (c Clock) minutes() int { return c.Hour*60 + c.Minute }

// At returns the instant, in UTC, at which clocks in loc show c on day d.
//
// Two days a year a wall-clock time is not simply one instant, and time.Date does not
// promise which answer it gives, so the choice is made here:
//   - a time that does not exist (skipped when clocks spring forward, 02:30 in
//     Europe/Berlin on the last Sunday of March) is read with the UTC offset in force
//     before the change, which moves it forward by the length of the gap (02:30 becomes
//     03:30), as RFC 5545 calendars do;
//   - a time that exists twice (when clocks fall back) is the earlier of the two, so a
//     commute never leaves later than its riders expect.
//
// The offset "before" is read 12 hours earlier: no zone changes its offset twice within
// 12 hours.
func (c Clock) At(d Date, loc *time.Location) time.Time {
	t := time.Date(d.Year, d.Month, d.Day, c.Hour, c.Minute, 0, 0, loc)
	_, before := t.Add(-12 * time.Hour).Zone()
	naive := time.Date(d.Year, d.Month, d.Day, c.Hour, c.Minute, 0, 0, time.UTC)
	early := naive.Add(-time.Duration(before) * time.Second)
	switch {
	case !c.shownAt(t, d, loc):
		return early.UTC() // in the gap
	case early.Before(t) && c.shownAt(early, d, loc):
		return early.UTC() // twice: the first
	}
	return t.UTC()
}

func (c Clock) shownAt(t time.Time, d Date, loc *time.Location) bool {
	l := t.In(loc)
	return DateOf(l) == d && l.Hour() == c.Hour && l.Minute() == c.Minute
}

// Weekdays is a set of days of the week; bit i stands for time.Weekday(i).
type Weekdays uint8

// AllWeekdays is every day of the week.
const AllWeekdays Weekdays = 1<<7 - 1

// WorkWeek is Monday to Friday.
const WorkWeek Weekdays = 1<<time.Monday | 1<<time.Tuesday | 1<<time.Wednesday | 1<<time.Thursday | 1<<time.Friday

var weekdayNames = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// ParseWeekdays reads day names such as "mon" or "monday" (any case).
func ParseWeekdays(names []string) (Weekdays, error) {
	var w Weekdays
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		found := false
		for i, name := range weekdayNames {
			if n == name || n == strings.ToLower(time.Weekday(i).String()) {
				w |= 1 << i
				found = true
			}
		}
		if !found {
			return 0, fmt.Errorf("parse weekday %q: want mon, tue, ... sun", n)
		}
	}
	return w, nil
}

// DaysOf returns the set holding the given days.
func DaysOf(days ...time.Weekday) Weekdays {
	var w Weekdays
	for _, d := range days {
		w |= 1 << d
	}
	return w
}

// Has reports whether d is in the set.
func (w Weekdays) Has(d time.Weekday) bool { return w&(1<<d) != 0 }

// Contains reports whether every day of o is in w.
func (w Weekdays) Contains(o Weekdays) bool { return o&^w == 0 }

// Names returns the days as short names, Monday first.
func (w Weekdays) Names() []string {
	names := []string{}
	for i := 1; i <= 7; i++ {
		if d := time.Weekday(i % 7); w.Has(d) {
			names = append(names, weekdayNames[d])
		}
	}
	return names
}

// String writes the days as "mon,wed,fri".
func (w Weekdays) String() string { return strings.Join(w.Names(), ",") }

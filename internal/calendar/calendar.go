// Package calendar writes a member's rides and pool-car reservations as an iCalendar
// feed (RFC 5545) that calendar apps subscribe to, in the reader's language. Times carry
// the reader's zone (TZID, with its VTIMEZONE made from Go's zone data); a change bumps an event's
// SEQUENCE and a cancellation keeps the event with STATUS:CANCELLED, so subscribed
// calendars update instead of duplicating or silently keeping stale entries.
package calendar

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/locale"
)

// Entry is one event of the feed.
type Entry struct {
	UID       string
	Summary   string
	Location  string
	URL       string
	Start     time.Time
	End       time.Time
	Sequence  int
	Cancelled bool
	Stamp     time.Time // when the entry last changed
}

// RideEntry is the entry of a ride, for its driver (asDriver) or a passenger whose
// booking is active unless bookingCancelled, named in words' language.
func RideEntry(r carpool.Ride, asDriver, bookingCancelled bool, baseURL string, words *locale.Printer) Entry {
	summary := "calendar.passenger"
	if asDriver {
		summary = "calendar.driving"
	}
	stamp := r.UpdatedAt
	seq := max(r.Version-1, 0)
	if bookingCancelled {
		seq++ // the passenger's copy changed once more: it was cancelled
	}
	return Entry{
		UID:       "ride-" + r.ID + "@carpool",
		Summary:   words.T(summary, "From", r.From.Label, "To", r.To.Label),
		Location:  r.From.Label,
		URL:       baseURL + "/rides/" + r.ID,
		Start:     r.DepartAt,
		End:       r.DepartAt.Add(time.Hour),
		Sequence:  seq,
		Cancelled: r.Status == carpool.RideCancelled || bookingCancelled,
		Stamp:     stamp,
	}
}

// ReservationEntry is the entry of a pool-car reservation, named in words' language.
func ReservationEntry(res carpool.Reservation, car carpool.Car, baseURL string, words *locale.Printer) Entry {
	e := Entry{
		UID:      "reservation-" + res.ID + "@carpool",
		Summary:  words.T("calendar.pool_car", "Make", car.Make, "Model", car.Model, "Plate", car.Plate),
		URL:      baseURL + "/cars/" + res.CarID,
		Start:    res.Start,
		End:      res.End,
		Stamp:    res.UpdatedAt,
		Sequence: 0,
	}
	if res.Status == carpool.ReservationCancelled {
		e.Cancelled, e.Sequence = true, 1
	}
	return e
}

// Write renders the feed: every entry in loc, with loc's VTIMEZONE.
func Write(name string, entries []Entry, loc *time.Location) []byte {
	sort.Slice(entries, func(i, j int) bool { return entries[i].Start.Before(entries[j].Start) })
	var b bytes.Buffer
	w := func(line string) { fold(&b, line) }
	w("BEGIN:VCALENDAR")
	w("VERSION:2.0")
	w("PRODID:-//carpool//calendar feed//EN")
	w("CALSCALE:GREGORIAN")
	w("METHOD:PUBLISH")
	w("X-WR-CALNAME:" + text(name))
	w("X-WR-TIMEZONE:" + loc.String())
	if len(entries) > 0 {
		writeTimezone(w, loc, entries[0].Start, entries[len(entries)-1].End)
	}
	for _, e := range entries {
		w("BEGIN:VEVENT")
		w("UID:" + e.UID)
		w("DTSTAMP:" + e.Stamp.UTC().Format("20060102T150405Z"))
		w(localTime("DTSTART", e.Start, loc))
		w(localTime("DTEND", e.End, loc))
		w("SUMMARY:" + text(e.Summary))
		if e.Location != "" {
			w("LOCATION:" + text(e.Location))
		}
		w("URL:" + e.URL)
		w(fmt.Sprintf("SEQUENCE:%d", e.Sequence))
		if e.Cancelled {
			w("STATUS:CANCELLED")
		} else {
			w("STATUS:CONFIRMED")
		}
		w("END:VEVENT")
	}
	w("END:VCALENDAR")
	return b.Bytes()
}

func localTime(prop string, t time.Time, loc *time.Location) string {
	if loc == time.UTC {
		return prop + ":" + t.UTC().Format("20060102T150405Z")
	}
	return prop + ";TZID=" + loc.String() + ":" + t.In(loc).Format("20060102T150405")
}

// writeTimezone writes loc's VTIMEZONE covering [from, to]: one STANDARD or DAYLIGHT
// part per offset change, found from Go's zone data, so no recurrence rule has to be
// guessed.
func writeTimezone(w func(string), loc *time.Location, from, to time.Time) {
	if loc == time.UTC {
		return
	}
	w("BEGIN:VTIMEZONE")
	w("TZID:" + loc.String())
	start := time.Date(from.In(loc).Year()-1, 1, 1, 0, 0, 0, 0, loc)
	end := time.Date(to.In(loc).Year()+1, 12, 31, 0, 0, 0, 0, loc)
	_, prevOff := start.Zone()
	part := func(at time.Time, fromOff int) {
		name, off := at.Zone()
		kind := "STANDARD"
		if at.IsDST() {
			kind = "DAYLIGHT"
		}
		w("BEGIN:" + kind)
		// DTSTART of a part is the local time, in the offset before the change.
		w("DTSTART:" + at.In(time.FixedZone("", fromOff)).Format("20060102T150405"))
		w("TZOFFSETFROM:" + offset(fromOff))
		w("TZOFFSETTO:" + offset(off))
		w("TZNAME:" + text(name))
		w("END:" + kind)
	}
	part(start, prevOff) // the offset in force at the start of the range
	for t := start; t.Before(end); t = t.Add(time.Hour) {
		if _, off := t.Zone(); off != prevOff {
			// Narrow the change down to the second.
			lo, hi := t.Add(-time.Hour), t
			for hi.Sub(lo) > time.Second {
				mid := lo.Add(hi.Sub(lo) / 2)
				if _, o := mid.Zone(); o == prevOff {
					lo = mid
				} else {
					hi = mid
				}
			}
			part(hi, prevOff)
			prevOff = off
		}
	}
	w("END:VTIMEZONE")
}

func offset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	return fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec%3600/60)
}

// text escapes a TEXT value (RFC 5545 3.3.11).
func text(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`, "\r", "").Replace(s)
}

// fold writes a content line, folded at 75 octets without splitting a UTF-8 sequence,
// ended by CRLF (RFC 5545 3.1).
func fold(b *bytes.Buffer, line string) {
	n := 0
	for _, r := range line {
		size := len(string(r))
		if n+size > 75 {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteRune(r)
		n += size
	}
	b.WriteString("\r\n")
}

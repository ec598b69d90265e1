package notify

import (
	"strings"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/locale"
)

// message is what one member is told about one event, in words said in the member's
// language once the relay knows it.
type message struct {
	member string
	link   string
	// title and body are catalogue ids; data fills their placeholders, where a *rideRef
	// is said as the ride's description and a *personRef as the person's name.
	title, body string
	data        []any
	seats       int // 0 unless body is plural in seats
	// stop, when set, is the recipient's own pickup along the ride, said after the body.
	stop *stopRef
	// alternatives are rides that can take a passenger who lost theirs, said after the
	// body; the link then leads to the first, with the passenger's pickup and drop-off.
	alternatives []carpool.Ride
}

// stopRef is a passenger's own pickup and when the driver is expected there.
type stopRef struct {
	label string
	at    time.Time
}

// stopOf is b's pickup along the ride, or nil when b boards at the start or the ride is
// gone.
func stopOf(b carpool.Booking, ride *rideRef) *stopRef {
	if ride == nil || !ride.ok {
		return nil
	}
	at, ok := b.PickupAt(ride.ride)
	if !ok {
		return nil
	}
	return &stopRef{label: b.Pickup.Label, at: at}
}

// rideRef is a ride a text names; ok is false when it is gone.
type rideRef struct {
	ride carpool.Ride
	ok   bool
}

// personRef is a member a text names; ok is false when they are gone.
type personRef struct {
	name string
	ok   bool
}

// reader is how a recipient reads a text: their language and the zone of their clock.
// named says whether the zone is to be named after each time: it is not when the reader
// chose it (their own clock, as on every page), it is when the text falls back to the
// installation's zone, which the reader may not share.
type reader struct {
	p     *locale.Printer
	loc   *time.Location
	named bool
}

// say renders m for the reader r.
func (m message) say(r reader) (title, body string) {
	p := r.p
	data := make([]any, 0, len(m.data))
	for i, v := range m.data {
		if i%2 == 1 {
			switch v := v.(type) {
			case *rideRef:
				if !v.ok {
					data = append(data, p.T("notify.ride_gone"))
					continue
				}
				data = append(data, p.T("notify.ride", "From", v.ride.From.Label, "To", v.ride.To.Label, "When", r.when(v.ride.DepartAt)))
				continue
			case moment:
				data = append(data, r.when(time.Time(v)))
				continue
			case day:
				data = append(data, p.Day(time.Time(v)))
				continue
			case *seriesRef:
				if !v.ok {
					data = append(data, p.T("notify.series_gone"))
					continue
				}
				data = append(data, p.T("notify.series", "From", v.series.From.Label, "To", v.series.To.Label,
					"Days", p.Weekdays(v.series.Weekdays.Has), "Time", v.series.DepartTime.String()))
				continue
			case *personRef:
				if !v.ok {
					data = append(data, p.T("notify.person_gone"))
					continue
				}
				data = append(data, v.name)
				continue
			}
		}
		data = append(data, v)
	}
	if m.seats > 0 {
		body = p.N(m.body, m.seats, data...)
	} else {
		body = p.T(m.body, data...)
	}
	if m.stop != nil {
		body += " " + p.T("notify.your_pickup", "Label", m.stop.label, "Time", r.clock(m.stop.at))
	}
	if len(m.alternatives) > 0 {
		rides := make([]string, len(m.alternatives))
		for i, ride := range m.alternatives {
			rides[i] = p.T("notify.ride", "From", ride.From.Label, "To", ride.To.Label, "When", r.when(ride.DepartAt))
		}
		body += " " + p.N("notify.alternatives", len(rides), "Rides", strings.Join(rides, "; "))
	}
	return p.T(m.title), body
}

// moment is a time a text names, said in the recipient's language by message.say.
type moment time.Time

// day is a calendar day a text names (noon UTC of it), said with its weekday.
type day time.Time

// seriesRef is a commute a text names; ok is false when it is gone.
type seriesRef struct {
	series carpool.Series
	ok     bool
}

// clock says the time of day of t in the reader's zone, named as when names it.
func (r reader) clock(t time.Time) string {
	t = t.In(r.loc)
	if !r.named {
		return r.p.Clock(t)
	}
	return r.p.Clock(t) + " " + t.Format("MST")
}

// when says t for a notification in the reader's zone: the page's moment, followed by
// the zone's abbreviation when the zone is not the reader's own choice ("Mon 2 Dec 2026,
// 17:15 UTC"), since a mail may then be read far from it.
func (r reader) when(t time.Time) string {
	t = t.In(r.loc)
	if !r.named {
		return r.p.When(t)
	}
	return r.p.When(t) + " " + t.Format("MST")
}

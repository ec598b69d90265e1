package carpool

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"
)

// Carpool parking: a site keeps labelled spaces for carpools. On each local day of the
// site, a ride that arrives there with at least one confirmed passenger claims a space;
// claims are served in the order their carpools formed (first confirmed, first served),
// a ride without passengers never claims one, and a holder keeps its space until its
// carpool falls apart, when the space goes at once to the next claim waiting that day.
// The store keeps one row per claim, and a unique index on (site, day, space) refuses
// two holders of one space whatever the code does.

// DefaultParkingRadiusM is how close, in metres, a ride's destination must lie to a site
// for the ride to arrive there: a car park's reach around the site's door.
const DefaultParkingRadiusM = 300

// parkingText is a space's label ("P1", "Bay 12 – visitors").
var parkingText = Text{Min: 1, Max: 40}

// ParkingSpace is a site's space reserved for carpools.
type ParkingSpace struct {
	ID        string
	SiteID    string
	Label     string
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
	// RetiredAt is when the space stopped being offered; zero while it is in use.
	RetiredAt time.Time
}

// Active reports whether the space is still offered.
func (s ParkingSpace) Active() bool { return s.RetiredAt.IsZero() }

// NewParkingSpace checks a new space of site.
func NewParkingSpace(site Site, label string, now time.Time) (ParkingSpace, error) {
	label, err := parkingText.Clean("label", label)
	if err != nil {
		return ParkingSpace{}, err
	}
	return ParkingSpace{ID: NewID(), SiteID: site.ID, Label: label, Version: 1, CreatedAt: now, UpdatedAt: now}, nil
}

// Rename gives the space a new label; the holders keep it, since they hold the space,
// not its name.
func (s *ParkingSpace) Rename(label string, now time.Time) error {
	if !s.Active() {
		return Errorf(ECONFLICT, "the parking space is retired")
	}
	label, err := parkingText.Clean("label", label)
	if err != nil {
		return err
	}
	s.Label, s.Version, s.UpdatedAt = label, s.Version+1, now
	return nil
}

// Retire stops offering the space; the application layer then gives its holders of the
// days ahead another space where one is free.
func (s *ParkingSpace) Retire(now time.Time) error {
	if !s.Active() {
		return Errorf(ECONFLICT, "the parking space is retired")
	}
	s.RetiredAt, s.Version, s.UpdatedAt = now, s.Version+1, now
	return nil
}

// CheckLabelFree refuses a label that an active space of the same site has already (in
// any case: "p1" and "P1" are one sign on the ground); except is the space being renamed.
func CheckLabelFree(spaces []ParkingSpace, label, except string) error {
	for _, s := range spaces {
		if s.Active() && s.ID != except && strings.EqualFold(s.Label, label) {
			return FieldErrorf(ECONFLICT, "label", "the site has a parking space labelled %s already", s.Label)
		}
	}
	return nil
}

// ParkingClaim is a ride's claim of a space at a site on a local day.
type ParkingClaim struct {
	RideID   string
	DriverID string
	SiteID   string
	Day      Date
	// QueuedAt is when the ride's carpool formed: the claims waiting for a space are
	// served in this order.
	QueuedAt time.Time
	// SpaceID is the space held, or "" while the claim waits.
	SpaceID string
}

// Parking holds the settings of the rule: how near a site a ride must end, and the zone
// of the sites that name none.
type Parking struct {
	// RadiusM is the distance in metres within which a destination arrives at a site;
	// zero means DefaultParkingRadiusM.
	RadiusM float64
	// Zone is the installation's zone, for sites without their own; nil means UTC.
	Zone *time.Location
}

func (p Parking) radiusKM() float64 {
	if p.RadiusM <= 0 {
		return DefaultParkingRadiusM / 1000.0
	}
	return p.RadiusM / 1000
}

// SiteZone returns the zone whose days the site's parking counts in.
func (p Parking) SiteZone(s Site) *time.Location {
	def := p.Zone
	if def == nil {
		def = time.UTC
	}
	return ZoneOr(s.TimeZone, def)
}

// ArrivalAt estimates when the ride reaches its destination.
func ArrivalAt(r Ride) time.Time {
	return r.DepartAt.Add(TravelTime(RoadKM(r.From.Point(), r.To.Point())))
}

// Area returns a rectangle holding every point within the radius of center, so a store
// can pre-select sites and rides with an index and leave the exact test to SiteOf.
func (p Parking) Area(center Point) Box { return around(center, p.radiusKM()) }

// Neighbourhood returns a rectangle holding every site that may compete with the site at
// center for a ride: those within twice the radius.
func (p Parking) Neighbourhood(center Point) Box { return around(center, 2*p.radiusKM()) }

func around(center Point, km float64) Box {
	dLat := (km + 0.01) / earthRadiusKM * 180 / math.Pi
	box := Box{MinLat: math.Max(-90, center.Lat-dLat), MaxLat: math.Min(90, center.Lat+dLat), MinLon: -180, MaxLon: 180}
	if cos := math.Cos(math.Max(math.Abs(box.MinLat), math.Abs(box.MaxLat)) * math.Pi / 180); cos > 0.01 {
		dLon := dLat / cos
		if center.Lon-dLon >= -180 && center.Lon+dLon <= 180 {
			box.MinLon, box.MaxLon = center.Lon-dLon, center.Lon+dLon
		}
	}
	return box
}

// SiteOf returns the site the ride arrives at: the nearest of sites within the radius of
// its destination. A ride arrives at one site at most, so it never claims two spaces.
func (p Parking) SiteOf(r Ride, sites []Site) (Site, bool) { return p.SiteAt(r.To.Point(), sites) }

// SiteAt returns the nearest of sites within the radius of pt.
func (p Parking) SiteAt(pt Point, sites []Site) (Site, bool) {
	var best Site
	bestKM := math.Inf(1)
	for _, s := range sites {
		km := DistanceKM(pt, Point{Lat: s.Lat, Lon: s.Lon})
		if km <= p.radiusKM() && (km < bestKM || km == bestKM && s.ID < best.ID) {
			best, bestKM = s, km
		}
	}
	return best, !math.IsInf(bestKM, 1)
}

// DayOf returns the local day at site s on which the ride arrives.
func (p Parking) DayOf(r Ride, s Site) Date { return DateOf(ArrivalAt(r).In(p.SiteZone(s))) }

// Departures returns the departures from..to of the rides that may arrive at site s on
// day d: a day's arrivals started at most a day earlier.
func (p Parking) Departures(s Site, d Date) (from, to time.Time) {
	loc := p.SiteZone(s)
	start := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
	end := time.Date(d.Year, d.Month, d.Day+1, 0, 0, 0, 0, loc)
	return start.Add(-24 * time.Hour), end
}

// Claims reports whether the ride claims a space at site on day: it is open, has a
// confirmed passenger, and arrives there (the nearest site of sites) that day.
func (p Parking) Claims(r Ride, site Site, day Date, sites []Site) bool {
	if r.Status != RideOpen || r.SeatsTaken <= 0 {
		return false
	}
	at, ok := p.SiteOf(r, sites)
	return ok && at.ID == site.ID && p.DayOf(r, site) == day
}

// ParkingDay is what the rule decides on: a site's day with its active spaces, its
// claims, and the sites near it (to tell which site a ride arrives at).
type ParkingDay struct {
	Site Site
	Day  Date
	// Spaces are the site's active spaces.
	Spaces []ParkingSpace
	// Claims are the day's claims, and those of the rides offered to Allocate that sit
	// on another day (a ride moved here keeps when its carpool formed).
	Claims []ParkingClaim
	// Sites are the sites near this one, itself included.
	Sites []Site
}

// ParkingChange is what Allocate decided for a day.
type ParkingChange struct {
	// Claims are the day's claims after the change: the holders by their spaces' labels,
	// then the waiting ones in their queue's order.
	Claims []ParkingClaim
	// Changed are the claims to write: new ones, moved here, or with another space.
	Changed []ParkingClaim
	// Dropped are the rides whose claim of this day ended.
	Dropped []string
	// Events tell drivers that they got or lost a space.
	Events []Event
}

// Allocate decides the day's holders from the rides that may arrive at the site that day
// (rides that do not are ignored). Holders keep their space while their ride still
// claims one, so nobody told "space reserved" loses it to a later change of someone
// else; every free space goes to the waiting claims in the order their carpools formed.
func (p Parking) Allocate(day ParkingDay, rides []Ride, now time.Time) ParkingChange {
	active := map[string]ParkingSpace{}
	for _, s := range day.Spaces {
		if s.Active() && s.SiteID == day.Site.ID {
			active[s.ID] = s
		}
	}
	before := map[string]ParkingClaim{}
	for _, c := range day.Claims {
		before[c.RideID] = c
	}
	var ch ParkingChange
	claiming := map[string]bool{}
	var next []ParkingClaim
	for _, r := range rides {
		if claiming[r.ID] || !p.Claims(r, day.Site, day.Day, day.Sites) {
			continue
		}
		claiming[r.ID] = true
		c, had := before[r.ID]
		if !had {
			c = ParkingClaim{QueuedAt: now}
		}
		moved := c.SiteID != day.Site.ID || c.Day != day.Day
		c.RideID, c.DriverID, c.SiteID, c.Day = r.ID, r.DriverID, day.Site.ID, day.Day
		if moved {
			c.SpaceID = "" // a space is held for one day
		}
		if _, ok := active[c.SpaceID]; !ok {
			c.SpaceID = ""
		}
		next = append(next, c)
	}
	ridesByID := map[string]Ride{}
	for _, r := range rides {
		ridesByID[r.ID] = r
	}
	// The claims of this day whose ride no longer claims here: their spaces are free.
	for _, c := range day.Claims {
		if claiming[c.RideID] || c.SiteID != day.Site.ID || c.Day != day.Day {
			continue
		}
		ch.Dropped = append(ch.Dropped, c.RideID)
		if c.SpaceID == "" {
			continue
		}
		// A driver who cancelled the ride knows; one whose carpool fell apart or who
		// moved the ride to another day is told the space is gone.
		if r, ok := ridesByID[c.RideID]; !ok || r.Status == RideOpen {
			ch.Events = append(ch.Events, parkingEvent(ReasonSpaceReleased, c, labelOf(day.Spaces, c.SpaceID), now))
		}
	}
	held := map[string]bool{}
	for _, c := range next {
		if c.SpaceID != "" {
			held[c.SpaceID] = true
		}
	}
	var free []ParkingSpace
	for _, s := range day.Spaces {
		if _, ok := active[s.ID]; ok && !held[s.ID] {
			free = append(free, s)
		}
	}
	slices.SortFunc(free, func(a, b ParkingSpace) int { return cmp.Or(CompareLabels(a.Label, b.Label), cmp.Compare(a.ID, b.ID)) })
	order := make([]int, 0, len(next))
	for i, c := range next {
		if c.SpaceID == "" {
			order = append(order, i)
		}
	}
	slices.SortFunc(order, func(i, j int) int {
		return cmp.Or(next[i].QueuedAt.Compare(next[j].QueuedAt), cmp.Compare(next[i].RideID, next[j].RideID))
	})
	for k, i := range order {
		if k >= len(free) {
			break
		}
		next[i].SpaceID = free[k].ID
	}
	for _, c := range next {
		old, had := before[c.RideID]
		if had && old == c {
			continue
		}
		ch.Changed = append(ch.Changed, c)
		switch {
		case c.SpaceID != "" && (!had || old.SpaceID != c.SpaceID || old.Day != c.Day):
			ch.Events = append(ch.Events, parkingEvent(ReasonSpaceGranted, c, labelOf(day.Spaces, c.SpaceID), now))
		case c.SpaceID == "" && had && old.SpaceID != "":
			// A holder whose space was retired (or whose ride moved here from a day
			// where it held one) and who found none free.
			ch.Events = append(ch.Events, parkingEvent(ReasonSpaceReleased, old, labelOf(day.Spaces, old.SpaceID), now))
		}
	}
	slices.SortFunc(next, func(a, b ParkingClaim) int {
		if (a.SpaceID == "") != (b.SpaceID == "") {
			if a.SpaceID == "" {
				return 1
			}
			return -1
		}
		if a.SpaceID != "" {
			return CompareLabels(labelOf(day.Spaces, a.SpaceID), labelOf(day.Spaces, b.SpaceID))
		}
		return cmp.Or(a.QueuedAt.Compare(b.QueuedAt), cmp.Compare(a.RideID, b.RideID))
	})
	ch.Claims = next
	return ch
}

func labelOf(spaces []ParkingSpace, id string) string {
	for _, s := range spaces {
		if s.ID == id {
			return s.Label
		}
	}
	return ""
}

// CompareLabels orders space labels as people read them: runs of digits by their value,
// so P2 comes before P10.
func CompareLabels(a, b string) int {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, nb := trimZeros(a[:da]), trimZeros(b[:db])
			if c := cmp.Or(cmp.Compare(len(na), len(nb)), cmp.Compare(na, nb)); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func digits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

func trimZeros(s string) string {
	for len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	return s
}

package carpool

import (
	"time"
)

// SavedPlace is a place a member named to pick again instead of finding it on a map:
// "Home", "Gym". Only its member sees it.
type SavedPlace struct {
	ID        string
	MemberID  string
	Name      string
	Address   string
	Lat       float64
	Lon       float64
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// HomePlace is the name of the place most commutes start from; the UI offers it first.
const HomePlace = "Home"

// MaxSavedPlaces bounds a member's saved places: every place field lists them all.
const MaxSavedPlaces = 50

// Validate checks a saved place's fields and cleans its texts; every wrong field is
// reported at once.
func (p *SavedPlace) Validate() error {
	var fe fieldErrors
	var err error
	p.Name, err = placeNameText.Clean("name", p.Name)
	fe.add(err)
	p.Address, err = placeAddressText.Clean("address", p.Address)
	fe.add(err)
	fe.add(validateCoordinates("", p.Lat, p.Lon))
	return fe.err()
}

// Point returns the place's coordinates.
func (p SavedPlace) Point() Point { return Point{Lat: p.Lat, Lon: p.Lon} }

// Place returns the saved place as a ride's or booking's end, labelled with its address
// when it has one: "Home" means nothing to the driver.
func (p SavedPlace) Place() Place {
	label := p.Address
	if label == "" {
		label = p.Name
	}
	return Place{Label: label, Lat: p.Lat, Lon: p.Lon}
}

// VisibleTo reports whether m may see the place: only its member.
func (p SavedPlace) VisibleTo(m Member) bool { return m.ID != "" && m.ID == p.MemberID }

// SitePlace returns a site as a place to pick, labelled with its name: colleagues know
// their offices by name.
func SitePlace(s Site) Place {
	return Place{Label: s.Name, Lat: s.Lat, Lon: s.Lon}
}

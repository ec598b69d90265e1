package carpool

// Reach is what an operation asks of its caller's sign-in, before its own rule decides
// who may. Most operations need a full member; a few are open to site security too.
type Reach int

const (
	// ReachMember is every operation but those below: site security does not reach it
	// and is answered as someone who is not signed in.
	ReachMember Reach = iota
	// ReachParkingList is reading a site's day list of parking (JSON, CSV, the printed
	// page) and the list of sites it is kept for.
	ReachParkingList
	// ReachOwnSession is ending one's own session: anyone signed in may sign out.
	ReachOwnSession
)

// Confined reports whether m's sign-in reaches only the operations open to site
// security: the guard at the gate reads who parks where and learns nothing else about
// the members, their rides or the fleet.
func (m Member) Confined() bool { return m.Role == RoleSiteSecurity }

// Reaches reports whether m's sign-in carries to an operation that asks for r.
func (m Member) Reaches(r Reach) bool { return !m.Confined() || r != ReachMember }

// ReadsParkingList reports whether m may read the day's parking list of sites: fleet
// managers and admins, who keep the spaces, and site security, who checks the plates.
func (m Member) ReadsParkingList() bool { return m.ManagesFleet() || m.Role == RoleSiteSecurity }

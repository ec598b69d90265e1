package carpool

// PartnerSharing is a driver's choice for one ride or one commute: share it with partner
// operators, keep it to the company, or follow the profile (Member.ShareWithPartners).
// The zero value follows the profile, so an offer that says nothing changes nothing.
type PartnerSharing string

const (
	SharingProfile PartnerSharing = ""
	SharingOn      PartnerSharing = "on"
	SharingOff     PartnerSharing = "off"
)

// SharingOf turns an optional yes/no (an API's nullable boolean, a form's three-way
// choice) into a PartnerSharing: nil follows the profile.
func SharingOf(b *bool) PartnerSharing {
	switch {
	case b == nil:
		return SharingProfile
	case *b:
		return SharingOn
	default:
		return SharingOff
	}
}

// Bool is the choice as an optional yes/no; nil means "as the profile says".
func (s PartnerSharing) Bool() *bool {
	switch s {
	case SharingOn:
		t := true
		return &t
	case SharingOff:
		f := false
		return &f
	}
	return nil
}

// Valid reports whether s is one of the three choices.
func (s PartnerSharing) Valid() bool {
	return s == SharingProfile || s == SharingOn || s == SharingOff
}

// Shares decides whether partners see the ride or commute: its own choice wins, and
// without one the member's profile decides. A member who shares nothing by default can
// still publish one commute, and one who shares everything can keep one ride private.
func (s PartnerSharing) Shares(memberShares bool) bool {
	switch s {
	case SharingOn:
		return true
	case SharingOff:
		return false
	}
	return memberShares
}

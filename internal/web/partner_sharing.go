package web

import "carpool/internal/carpool"

// sharingChoice reads the offer and commute forms' "partners" choice: "profile" (or
// nothing) follows the member's profile, "on" shares, "off" keeps it within the company.
func sharingChoice(f *form) carpool.PartnerSharing {
	switch f.text("partners") {
	case "", "profile":
		return carpool.SharingProfile
	case "on":
		return carpool.SharingOn
	case "off":
		return carpool.SharingOff
	}
	f.fieldError("partners", f.say("sharing.bad_choice"))
	return carpool.SharingProfile
}

// profileSharing reads the profile's share_with_partners choice, nil when the form did
// not hold it (the form that sends a confirmation link again).
func profileSharing(f *form, posted bool) *bool {
	if !posted {
		return nil
	}
	var on bool
	switch f.text("share_with_partners") {
	case "on":
		on = true
	case "off":
	default:
		f.fieldError("share_with_partners", f.say("profile.bad_share"))
		return nil
	}
	return &on
}

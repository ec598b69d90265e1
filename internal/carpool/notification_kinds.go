package carpool

import (
	"slices"
	"sort"
)

// NotificationKinds are the event types a member can hear about, in the order the
// preferences page lists them; each is named by the catalogue text "kind." + its type.
var NotificationKinds = []string{
	EventBookingRequested,
	EventBookingConfirmed,
	EventBookingRejected,
	EventBookingCancelled,
	EventRideUpdated,
	EventRideCancelled,
	EventRideMessage,
	EventReservationCancelled,
	EventRideReminder,
	EventSeriesSkipped,
	EventSeriesEnded,
	EventSeriesConflict,
	EventRideParking,
	EventRideHomeRequested,
	EventRideHomeDecided,
}

// IsNotificationKind reports whether typ is one of NotificationKinds.
func IsNotificationKind(typ string) bool { return slices.Contains(NotificationKinds, typ) }

// MailedByDefault are the kinds of notification mailed to a member who has not chosen
// otherwise: what needs their action (a seat request, a commute day without a car, a
// message from the people they ride with) or changes their plans (a booking confirmed,
// declined or cancelled, a changed departure, a ride of theirs cancelled by a fleet manager, a reservation or commute day cancelled, a
// commute ended, a parking space got or lost). The rest (reminders) reach the
// inbox only unless the member asks for mail.
var MailedByDefault = []string{
	EventBookingRequested,
	EventBookingConfirmed,
	EventBookingRejected,
	EventBookingCancelled,
	EventRideUpdated,
	EventRideCancelled,
	EventRideMessage,
	EventReservationCancelled,
	EventSeriesSkipped,
	EventSeriesEnded,
	EventSeriesConflict,
	EventRideParking,
	EventRideHomeRequested,
	EventRideHomeDecided,
}

// Mailed reports whether a member with choices (see NotificationStore.EmailChoices)
// wants kind by e-mail: their choice, else the default.
func Mailed(kind string, choices map[string]bool) bool {
	if want, chose := choices[kind]; chose {
		return want
	}
	return slices.Contains(MailedByDefault, kind)
}

// MailedKinds lists, sorted, the kinds a member with choices gets by e-mail.
func MailedKinds(choices map[string]bool) []string {
	out := []string{}
	for _, k := range MailedByDefault {
		if Mailed(k, choices) {
			out = append(out, k)
		}
	}
	for k, want := range choices {
		if want && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

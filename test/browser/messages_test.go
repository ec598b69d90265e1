package browser_test

import (
	"strings"
	"testing"
)

// TestRideMessagesOnAPhoneInGerman: at 390 px, in German, a passenger with a pending
// request writes "Ich stehe an Tor 2" in the ride's thread with the page's form; the
// driver finds it in the inbox (naming who wrote, not what) and on the ride page, and
// answers with a quick reply the passenger reads in German. The page with its thread
// passes axe-core's WCAG 2.2 A and AA checks.
func TestRideMessagesOnAPhoneInGerman(t *testing.T) {
	w := startGermanWeek(t)
	dir := screenDir(t)

	ben := newPerson(t, w.browser, w.app.URL, "Ben")
	ben.signInDE(w.ben.Email)
	ben.viewport(phoneW, phoneH)
	ben.open("/rides/" + w.ride.ID)
	ben.wantText("#messages h2", "Nachrichten")
	ben.wantText("#no-messages", "Noch keine Nachrichten")
	ben.fill("message-body", "Ich stehe an Tor 2")
	ben.submitOK(`#message-form button[type="submit"]`)
	if u := ben.url(); !strings.HasSuffix(u, "/rides/"+w.ride.ID+"#messages") {
		t.Errorf("after sending: at %s, want the ride's thread", u)
	}
	ben.wantText("#message-list .mine", "Ich stehe an Tor 2")
	ben.wantText("#message-list .mine .author", "Sie")
	ben.screenshotAt(dir, "messages-1-passenger-wrote-390-de", phoneW)

	anna := w.annaBrowser.in(t)
	anna.viewport(phoneW, phoneH)
	anna.eventuallyOn("/notifications", `form[action$="/open"] input[value="/rides/`+w.ride.ID+`#messages"]`)
	inbox := anna.text("main")
	if !strings.Contains(inbox, "Neue Nachricht zu einer Fahrt") || !strings.Contains(inbox, "Ben Mitfahrer") {
		t.Errorf("the driver's inbox: got %q, want the message notice naming Ben", inbox)
	}
	if strings.Contains(inbox, "Tor 2") {
		t.Errorf("the inbox says what Ben wrote: %q", inbox)
	}
	anna.screenshotAt(dir, "messages-2-driver-inbox-390-de", phoneW)

	// Opening the notice leads to the thread.
	anna.submitOK(`form:has(input[value="/rides/` + w.ride.ID + `#messages"]) button[type="submit"]`)
	anna.wantText("#message-list", "Ich stehe an Tor 2")
	anna.wantText("#message-list .message:not(.mine) .author", "Ben Mitfahrer")
	anna.submitOK(`#quick-replies button[value="here"]`)
	anna.wantText("#message-list .mine", "Ich bin da")
	anna.screenshotAt(dir, "messages-3-driver-ride-page-390-de", phoneW)
	for _, v := range anna.axeScan() {
		t.Errorf("the ride page with its thread: %s (%s) %s at %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", "))
	}

	ben.open("/rides/" + w.ride.ID)
	ben.wantText("#message-list .message:not(.mine)", "Ich bin da")
}

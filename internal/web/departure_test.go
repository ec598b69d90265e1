package web_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDriverMovesTheDepartureOnTheRidePage: the driver changes a ride's time on its page,
// on their clock; a time in the past or unreadable is refused beside the input and
// changes nothing; a page showing an older version does not overwrite a change made
// meanwhile.
func TestDriverMovesTheDepartureOnTheRidePage(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	rideID := s.ownerRide(t)
	owner := s.browsers["owner"]
	page := "/rides/" + rideID
	token := owner.csrf(page)
	before, err := s.app.Store.Ride(ctx, rideID)
	mustDo(t, err)
	version := strconv.Itoa(before.Version)
	post := func(depart, version string) (int, string) {
		res, body := owner.post(page+"/departure", url.Values{"csrf": {token}, "version": {version}, "depart": {depart}}, nil)
		return res.StatusCode, body
	}

	for _, bad := range []string{"yesterday", time.Now().Add(-2 * time.Hour).UTC().Format("2006-01-02T15:04")} {
		if status, body := post(bad, version); status != 422 || !strings.Contains(body, `id="depart-error"`) {
			t.Errorf("departure %q: got %d, want the page again with the error beside the input", bad, status)
		}
	}
	later := before.DepartAt.Add(45 * time.Minute).UTC()
	if status, _ := post(later.Format("2006-01-02T15:04"), version); status != 303 {
		t.Fatalf("move the departure: got %d", status)
	}
	after, err := s.app.Store.Ride(ctx, rideID)
	mustDo(t, err)
	if !after.DepartAt.Equal(later.Truncate(time.Minute)) {
		t.Errorf("departure: got %v, want %v", after.DepartAt, later.Truncate(time.Minute))
	}
	if status, _ := post(later.Add(time.Hour).Format("2006-01-02T15:04"), version); status != 409 {
		t.Errorf("a stale page's change: got %d, want 409", status)
	}
	if _, body := owner.get(page); !strings.Contains(body, `value="`+later.Format("2006-01-02T15:04")+`"`) {
		t.Errorf("the form does not show the new departure")
	}
}

package httpapi_test

import (
	"context"
	"testing"
	"time"

	"carpool/internal/carpool"
)

// TestSharingOverrideOnRidesAndCommutes: share_with_partners on a ride and on a commute
// is null unless given, is stored as given (true, false, null), is shown to the driver
// only, can be changed and reset by PATCH (a PATCH without it leaves it), and refuses
// what is not a boolean or null, naming the field; on both engines.
func TestSharingOverrideOnRidesAndCommutes(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			e := eng.env(t, envOptions{})
			dan := e.quickMember(t, "Dan Driver")
			pia := e.quickMember(t, "Pia Passenger")
			ctx := context.Background()

			// A ride: absent is null; true is kept.
			car := str(e.privateCar(t, dan, 4)["id"])
			plain := e.do(t, call{method: "POST", path: "/api/v1/rides", token: dan.token,
				body: rideBody(car, future(48*time.Hour), 2, "instant")}).want(t, 201).object(t)
			if v, ok := plain["share_with_partners"]; !ok || v != nil {
				t.Errorf("a ride offered without a choice: share_with_partners %v (present %v), want null", v, ok)
			}
			body := rideBody(car, future(50*time.Hour), 2, "instant")
			body["share_with_partners"] = true
			shared := e.do(t, call{method: "POST", path: "/api/v1/rides", token: dan.token, body: body}).want(t, 201).object(t)
			id := str(shared["id"])
			if shared["share_with_partners"] != true {
				t.Errorf("created with true: %v", shared["share_with_partners"])
			}
			if r, err := e.store.Ride(ctx, id); err != nil || r.Sharing != carpool.SharingOn {
				t.Errorf("stored ride sharing %q (%v), want on", r.Sharing, err)
			}
			// Another member sees the ride, not the driver's choice.
			if got := e.do(t, call{method: "GET", path: "/api/v1/rides/" + id, token: pia.token}).want(t, 200).object(t); got["share_with_partners"] != nil {
				t.Errorf("a passenger sees share_with_partners %v", got["share_with_partners"])
			} else if _, ok := got["share_with_partners"]; ok {
				t.Errorf("a passenger's view holds share_with_partners")
			}
			for _, step := range []struct {
				body map[string]any
				want any
				kept carpool.PartnerSharing
			}{
				{map[string]any{"share_with_partners": false}, false, carpool.SharingOff},
				{map[string]any{"notes": "room for a bike"}, false, carpool.SharingOff},
				{map[string]any{"share_with_partners": nil}, nil, carpool.SharingProfile},
			} {
				got := e.do(t, call{method: "PATCH", path: "/api/v1/rides/" + id, token: dan.token, body: step.body}).want(t, 200).object(t)
				if v, ok := got["share_with_partners"]; !ok || v != step.want {
					t.Errorf("after PATCH %v: %v (present %v), want %v", step.body, v, ok, step.want)
				}
				if r, _ := e.store.Ride(ctx, id); r.Sharing != step.kept {
					t.Errorf("after PATCH %v: stored %q, want %q", step.body, r.Sharing, step.kept)
				}
			}
			body["share_with_partners"] = "yes"
			var p problem
			e.do(t, call{method: "POST", path: "/api/v1/rides", token: dan.token, body: body, invalid: true}).want(t, 400).decode(t, &p)
			if p.Field != "share_with_partners" {
				t.Errorf("share_with_partners \"yes\": field %q, want share_with_partners", p.Field)
			}

			// A commute: false is kept, and its days carry it.
			sb := seriesBody(str(e.privateCar(t, dan, 4)["id"]))
			sb["share_with_partners"] = false
			sr := e.do(t, call{method: "POST", path: "/api/v1/commutes", token: dan.token, body: sb}).want(t, 201).object(t)
			sid := str(sr["id"])
			if sr["share_with_partners"] != false {
				t.Errorf("commute created with false: %v", sr["share_with_partners"])
			}
			e.materialise(t)
			days, err := e.store.Occurrences(ctx, []string{sid}, carpool.DateOf(time.Now().UTC()), carpool.DateOf(time.Now().UTC()).AddDays(14))
			if err != nil || len(days) == 0 {
				t.Fatalf("commute days: %v, %v", days, err)
			}
			if r, err := e.store.Ride(ctx, days[0].RideID); err != nil || r.Sharing != carpool.SharingOff {
				t.Errorf("a commute day's ride: sharing %q (%v), want off as the commute", r.Sharing, err)
			}
			got := e.do(t, call{method: "PATCH", path: "/api/v1/commutes/" + sid, token: dan.token,
				body: map[string]any{"share_with_partners": true}}).want(t, 200).object(t)
			if got["share_with_partners"] != true {
				t.Errorf("commute after PATCH true: %v", got["share_with_partners"])
			}
			if r, err := e.store.Ride(ctx, days[0].RideID); err != nil || r.Sharing != carpool.SharingOn {
				t.Errorf("a commute day's ride after the commute's PATCH: sharing %q (%v), want on", r.Sharing, err)
			}
			list := e.do(t, call{method: "GET", path: "/api/v1/commutes", token: dan.token}).want(t, 200).object(t)
			if items := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["share_with_partners"] != true {
				t.Errorf("the driver's commutes: %v", items)
			}
			e.do(t, call{method: "PATCH", path: "/api/v1/commutes/" + sid, token: dan.token,
				body: map[string]any{"share_with_partners": 1}, invalid: true}).want(t, 400)
		})
	}
}

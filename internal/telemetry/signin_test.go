package telemetry_test

import (
	"testing"

	"carpool/internal/buildinfo"
	"carpool/internal/telemetry"
)

func TestSignInRefusalsByReason(t *testing.T) {
	m := telemetry.NewMetrics(buildinfo.Info{})
	r := m.RegisterSignInRefusals([]string{"throttled", "hash_slots_busy", "bad_credentials"})
	r.Refused("hash_slots_busy")
	r.Refused("hash_slots_busy")
	r.Refused("throttled")
	var none *telemetry.SignInRefusals
	none.Refused("throttled") // counts nothing, does not panic

	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range fams {
		if f.GetName() == "carpool_signin_refusals_total" {
			for _, s := range f.GetMetric() {
				got[s.GetLabel()[0].GetValue()] = s.GetCounter().GetValue()
			}
		}
	}
	want := map[string]float64{"throttled": 1, "hash_slots_busy": 2, "bad_credentials": 0}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for reason, n := range want {
		if got[reason] != n {
			t.Errorf("%s: got %v, want %v", reason, got[reason], n)
		}
	}
}

package carpool

import (
	"strings"
	"testing"
	"time"
)

func TestNewPartnerKeepsOnlyTheKeysHash(t *testing.T) {
	now := time.Date(2031, 3, 3, 8, 0, 0, 0, time.UTC)
	p, key, err := NewPartner(" Planner ", now)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Planner" || !strings.HasPrefix(key, PartnerKeyPrefix) || p.KeyHash != HashToken(key) || strings.Contains(p.KeyHash+p.AliasSalt, key[len(PartnerKeyPrefix):]) {
		t.Fatalf("partner %+v with key %q", p, key)
	}
	q, key2, err := NewPartner("Planner", now)
	if err != nil || key2 == key || q.AliasSalt == p.AliasSalt {
		t.Fatalf("two partners share a key or salt: %v", err)
	}
	if _, _, err := NewPartner("", now); ErrorField(err) != "name" {
		t.Errorf("blank name: %v", err)
	}
	if err := p.Revoke(now); err != nil || p.Active() {
		t.Fatalf("revoke: %v, active %v", err, p.Active())
	}
	if err := p.Revoke(now); ErrorCode(err) != ECONFLICT {
		t.Errorf("second revoke: %v", err)
	}
}

func TestDriverAliasIsStablePerPartnerAndDiffersBetweenThem(t *testing.T) {
	a := Partner{AliasSalt: "one"}
	b := Partner{AliasSalt: "two"}
	if a.DriverAlias("m1") != a.DriverAlias("m1") || a.DriverAlias("m1") == a.DriverAlias("m2") || a.DriverAlias("m1") == b.DriverAlias("m1") {
		t.Fatal("aliases are not one per partner and driver")
	}
	if strings.Contains(a.DriverAlias("m1"), "m1") {
		t.Error("alias shows the member id")
	}
}

func TestApproximateRoundsToAbout300Metres(t *testing.T) {
	for _, p := range []Point{{47.37791, 8.54031}, {-33.8688, 151.2093}, {64.1466, -21.9426}, {0.0001, 0.0001}, {89.9999, 179.9999}} {
		got := Approximate(p)
		if km := DistanceKM(p, got); km > 0.35 {
			t.Errorf("%v → %v is %.3f km off, want at most ~300 m", p, got, km)
		}
		// Nearby points share a cell, so a partner cannot tell a house from its street.
		near := Approximate(Point{Lat: got.Lat + 0.0004, Lon: got.Lon + 0.0004})
		if near != got {
			t.Errorf("%v and a point 50 m away round apart: %v, %v", p, got, near)
		}
	}
}

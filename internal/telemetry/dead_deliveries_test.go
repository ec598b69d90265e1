package telemetry_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"carpool/internal/buildinfo"
	"carpool/internal/telemetry"
)

type deadCounts struct {
	counts map[string]int64
	err    error
}

func (d *deadCounts) DeadDeliveriesByChannel(context.Context) (map[string]int64, error) {
	return d.counts, d.err
}

// deadGauge gathers carpool_notify_dead_deliveries as channel -> value.
func deadGauge(t *testing.T, m *telemetry.Metrics) map[string]float64 {
	t.Helper()
	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range fams {
		if f.GetName() != "carpool_notify_dead_deliveries" {
			continue
		}
		for _, s := range f.GetMetric() {
			got[s.GetLabel()[0].GetValue()] = s.GetGauge().GetValue()
		}
	}
	return got
}

func TestDeadDeliveriesGaugeByChannel(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	tests := []struct {
		name   string
		counts map[string]int64
		err    error
		want   map[string]float64
	}{
		{"none dead: every channel at 0", map[string]int64{}, nil, map[string]float64{"email": 0, "webhook": 0}},
		{"dead mail", map[string]int64{"email": 3}, nil, map[string]float64{"email": 3, "webhook": 0}},
		{"a channel this binary does not know", map[string]int64{"webhook": 1, "sms": 2}, nil,
			map[string]float64{"email": 0, "webhook": 1, "sms": 2}},
		{"count failed: no series", nil, errors.New("database down"), map[string]float64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := telemetry.NewMetrics(buildinfo.Info{})
			m.RegisterDeadDeliveries(&deadCounts{tc.counts, tc.err}, []string{"email", "webhook"}, time.Second, logger)
			got := deadGauge(t, m)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for ch, v := range tc.want {
				if g, ok := got[ch]; !ok || g != v {
					t.Errorf("channel %s: got %v (present %v), want %v", ch, g, ok, v)
				}
			}
		})
	}
}

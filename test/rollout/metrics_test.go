package rollout_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"carpool/internal/pgtest"
)

// TestMetricsByRouteTemplate drives a booking through a replica, then checks that its
// /metrics (admin listener only) parses as Prometheus text and has the HTTP series by
// route template, the pool gauges, build info, business counters and the outbox backlog.
func TestMetricsByRouteTemplate(t *testing.T) {
	r := startReplica(t, "replica", replicaOptions{delay: 0, timeout: 5 * time.Second})

	var car, ride, booking struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	if code := call(t, http.MethodPost, r.url("/api/v1/cars"), driver,
		map[string]any{"kind": "private", "plate": "M-CP 42", "make": "VW", "model": "ID.3", "seats": 5}, &car); code != http.StatusCreated {
		t.Fatalf("create car: got %d, want 201", code)
	}
	if code := call(t, http.MethodPost, r.url("/api/v1/rides"), driver, map[string]any{
		"car_id":       car.ID,
		"from":         map[string]any{"label": "Office", "lat": 48.137, "lon": 11.575},
		"to":           map[string]any{"label": "Airport", "lat": 48.353, "lon": 11.786},
		"depart_at":    time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339),
		"seats":        3,
		"booking_mode": "instant",
	}, &ride); code != http.StatusCreated {
		t.Fatalf("create ride: got %d, want 201", code)
	}
	if code := call(t, http.MethodPost, r.url("/api/v1/rides/"+ride.ID+"/bookings"), passenger, map[string]any{"seats": 1}, &booking); code != http.StatusCreated || booking.Status != "confirmed" {
		t.Fatalf("book: got %d %q, want 201 confirmed", code, booking.Status)
	}
	for range 2 {
		if code := call(t, http.MethodGet, r.url("/api/v1/rides/"+ride.ID), passenger, nil, nil); code != http.StatusOK {
			t.Fatalf("get ride: got %d, want 200", code)
		}
	}
	if code := call(t, http.MethodGet, r.url("/api/v1/me"), seedMember{token: "cpt_wrong"}, nil, nil); code != http.StatusUnauthorized {
		t.Fatalf("bad token: got %d, want 401", code)
	}

	// Metrics and profiles live on the admin listener only.
	for _, path := range []string{"/metrics", "/debug/pprof/"} {
		if code, err := status(r.url(path)); err != nil || code == http.StatusOK {
			t.Errorf("main listener %s: got %d, %v; want it not served", path, code, err)
		}
	}
	if code, err := status(r.adminURL("/debug/pprof/")); err != nil || code != http.StatusOK {
		t.Errorf("admin /debug/pprof/: got %d, %v; want 200", code, err)
	}

	fams := scrape(t, r)
	tests := []struct {
		name   string
		labels map[string]string
		typ    dto.MetricType
		check  func(v float64) bool
		want   string
	}{
		{"carpool_http_requests_total", map[string]string{"method": "GET", "route": "/api/v1/rides/{id}", "code": "200"}, dto.MetricType_COUNTER, eq(2), "2"},
		{"carpool_http_requests_total", map[string]string{"method": "POST", "route": "/api/v1/rides/{id}/bookings", "code": "201"}, dto.MetricType_COUNTER, eq(1), "1"},
		{"carpool_http_requests_total", map[string]string{"method": "GET", "route": "/api/v1/me", "code": "401"}, dto.MetricType_COUNTER, eq(1), "1"},
		{"carpool_http_request_duration_seconds", map[string]string{"method": "GET", "route": "/api/v1/rides/{id}", "code": "200"}, dto.MetricType_HISTOGRAM, eq(2), "a count of 2"},
		{"carpool_http_requests_in_flight", nil, dto.MetricType_GAUGE, eq(0), "0"},
		{"carpool_build_info", map[string]string{"version": "dev"}, dto.MetricType_GAUGE, eq(1), "1"},
		{"carpool_db_pool_max_connections", map[string]string{"pool": "sqlite_write"}, dto.MetricType_GAUGE, eq(1), "1"},
		{"carpool_db_pool_connections", map[string]string{"pool": "sqlite_write", "state": "idle"}, dto.MetricType_GAUGE, atLeast(0), ">= 0"},
		{"carpool_db_pool_waits_total", map[string]string{"pool": "sqlite_write"}, dto.MetricType_COUNTER, atLeast(0), ">= 0"},
		{"carpool_bookings_total", map[string]string{"outcome": "confirmed"}, dto.MetricType_COUNTER, eq(1), "1"},
		{"carpool_bookings_total", map[string]string{"outcome": "full"}, dto.MetricType_COUNTER, eq(0), "0"},
		{"carpool_rides_created_total", nil, dto.MetricType_COUNTER, eq(1), "1"},
		{"carpool_rides_cancelled_total", nil, dto.MetricType_COUNTER, eq(0), "0"},
		{"carpool_reservations_total", map[string]string{"outcome": "created"}, dto.MetricType_COUNTER, eq(0), "0"},
		// The replica's relay may have fanned the booking's events out by now; what the
		// gauge counts is checked by the store contract ("a slow plan holds no lock").
		{"carpool_outbox_backlog", nil, dto.MetricType_GAUGE, atLeast(0), ">= 0"},
		{"go_goroutines", nil, dto.MetricType_GAUGE, atLeast(1), ">= 1"},
		{"process_cpu_seconds_total", nil, dto.MetricType_COUNTER, atLeast(0), ">= 0"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s%v", tt.name, tt.labels), func(t *testing.T) {
			f := fams[tt.name]
			if f == nil {
				t.Fatalf("no %s", tt.name)
			}
			if f.GetType() != tt.typ {
				t.Fatalf("type: got %v, want %v", f.GetType(), tt.typ)
			}
			m := find(f, tt.labels)
			if m == nil {
				t.Fatalf("no series with labels %v among %d", tt.labels, len(f.GetMetric()))
			}
			if v := value(f.GetType(), m); !tt.check(v) {
				t.Fatalf("value: got %v, want %s", v, tt.want)
			}
		})
	}
	if m := find(fams["carpool_build_info"], nil); m == nil || label(m, "goversion") == "" || label(m, "commit") == "" {
		t.Errorf("carpool_build_info labels: got %v, want version, commit and goversion", m)
	}

	// No label anywhere holds an id: ids appear only in raw paths.
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				for _, id := range []string{car.ID, ride.ID, booking.ID} {
					if strings.Contains(l.GetValue(), id) {
						t.Errorf("%s{%s=%q} holds the id %s", name, l.GetName(), l.GetValue(), id)
					}
				}
			}
		}
	}
}

// scrape reads the admin /metrics as Prometheus text.
func scrape(t *testing.T, r *replica) map[string]*dto.MetricFamily {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, r.adminURL("/metrics"), nil)
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics: got %s %q, want 200 text/plain", resp.Status, resp.Header.Get("Content-Type"))
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("/metrics is not Prometheus text: %v", err)
	}
	return fams
}

func find(f *dto.MetricFamily, want map[string]string) *dto.Metric {
next:
	for _, m := range f.GetMetric() {
		for k, v := range want {
			if label(m, k) != v {
				continue next
			}
		}
		return m
	}
	return nil
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

func value(typ dto.MetricType, m *dto.Metric) float64 {
	switch typ {
	case dto.MetricType_COUNTER:
		return m.GetCounter().GetValue()
	case dto.MetricType_GAUGE:
		return m.GetGauge().GetValue()
	case dto.MetricType_HISTOGRAM:
		return float64(m.GetHistogram().GetSampleCount())
	default:
		return m.GetUntyped().GetValue()
	}
}

func eq(want float64) func(float64) bool      { return func(v float64) bool { return v == want } }
func atLeast(want float64) func(float64) bool { return func(v float64) bool { return v >= want } }

// TestPoolMetricsOnPostgreSQL checks the pgxpool gauges and the outbox count of a
// replica on PostgreSQL.
func TestPoolMetricsOnPostgreSQL(t *testing.T) {
	r := startReplica(t, "replica", replicaOptions{delay: 0, timeout: 5 * time.Second,
		databaseURL: pgtest.NewDatabase(t), env: []string{"CARPOOL_DB_MAX_CONNS=7"}})
	if code := call(t, http.MethodGet, r.url("/api/v1/sites"), admin, nil, nil); code != http.StatusOK {
		t.Fatalf("list sites: got %d, want 200", code)
	}
	fams := scrape(t, r)
	tests := []struct {
		name   string
		labels map[string]string
		want   func(float64) bool
	}{
		{"carpool_db_pool_max_connections", map[string]string{"pool": "postgres"}, eq(7)},
		{"carpool_db_pool_connections", map[string]string{"pool": "postgres", "state": "idle"}, atLeast(0)},
		{"carpool_db_pool_connections", map[string]string{"pool": "postgres", "state": "in_use"}, atLeast(0)},
		{"carpool_db_pool_waits_total", map[string]string{"pool": "postgres"}, atLeast(0)},
		{"carpool_outbox_backlog", nil, eq(0)},
	}
	for _, tt := range tests {
		f := fams[tt.name]
		if f == nil {
			t.Errorf("no %s", tt.name)
			continue
		}
		m := find(f, tt.labels)
		if m == nil || !tt.want(value(f.GetType(), m)) {
			t.Errorf("%s%v: got %v", tt.name, tt.labels, m)
		}
	}
	// The scrape's own outbox count may hold the pool's one connection while the pool
	// gauges are read, so idle alone can be 0; but the request above left at least one
	// connection open, idle or in use.
	if f := fams["carpool_db_pool_connections"]; f != nil {
		var open float64
		for _, state := range []string{"idle", "in_use"} {
			if m := find(f, map[string]string{"pool": "postgres", "state": state}); m != nil {
				open += value(f.GetType(), m)
			}
		}
		if open < 1 {
			t.Errorf("open postgres connections after a request: got %v, want at least 1", open)
		}
	}
}

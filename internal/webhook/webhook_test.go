package webhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/notify"
	"carpool/internal/outbound"
	"carpool/internal/outbound/outboundtest"
	"carpool/internal/sqlite"
	"carpool/internal/sqlite/sqlitetest"
	"carpool/internal/storetest"
	"carpool/internal/webhook"
)

// receiver verifies each request exactly as the Standard Webhooks specification tells
// a consumer to: the signed content is "{webhook-id}.{webhook-timestamp}.{body}", the key
// is the base64-decoded secret after "whsec_", the signature header holds space-separated
// "v1,<base64>" entries of which one must match, and the timestamp must be within a
// tolerance of now.
type receiver struct {
	secret string
	status int
	mu     sync.Mutex
	got    []map[string]any
	bad    []string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	id, ts, sigs := r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp"), r.Header.Get("webhook-signature")
	rc.mu.Lock()
	defer rc.mu.Unlock()
	fail := func(why string) {
		rc.bad = append(rc.bad, why)
		w.WriteHeader(http.StatusBadRequest)
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute {
		fail("timestamp " + ts)
		return
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(rc.secret, "whsec_"))
	if err != nil {
		fail("secret")
		return
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "." + string(body)))
	want := mac.Sum(nil)
	ok := false
	for _, s := range strings.Split(sigs, " ") {
		version, b64, found := strings.Cut(s, ",")
		if !found || version != "v1" {
			continue
		}
		if sig, err := base64.StdEncoding.DecodeString(b64); err == nil && hmac.Equal(sig, want) {
			ok = true
		}
	}
	if !ok {
		fail("signature " + sigs)
		return
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		fail("body")
		return
	}
	if rc.status != 0 {
		w.WriteHeader(rc.status)
		return
	}
	m["webhook-id"] = id
	rc.got = append(rc.got, m)
}

func (rc *receiver) received() ([]map[string]any, []string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]map[string]any(nil), rc.got...), append([]string(nil), rc.bad...)
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within 30s: %s", what)
		}
		time.Sleep(20 * time.Millisecond) // polling, bounded by the deadline
	}
}

func open(t *testing.T) (*sqlite.DB, carpool.Member, carpool.Member) {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, sqlitetest.MigratedPath(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := carpool.Timestamp(time.Now())
	var ms []carpool.Member
	for i, role := range []carpool.Role{carpool.RoleAdmin, carpool.RoleMember} {
		m := carpool.Member{ID: carpool.NewID(), Email: "m" + strconv.Itoa(i) + "@example.com", Name: "M", Role: role,
			PasswordHash: "x", CreatedAt: now, UpdatedAt: now}
		if err := db.CreateMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	return db, ms[0], ms[1]
}

func startRelay(t *testing.T, db *sqlite.DB, maxFailures int, policy outbound.Policy) {
	ctx, cancel := context.WithCancel(context.Background())
	r := notify.New(db, notify.Options{
		Senders: map[string]notify.Sender{carpool.ChannelWebhook: webhook.NewSender(webhook.Options{Lookup: db.Webhook, Policy: policy})},
		Poll:    20 * time.Millisecond, BackoffBase: 10 * time.Millisecond, BackoffMax: 20 * time.Millisecond,
		MaxAttempts: 3, WebhookMaxFailures: maxFailures,
	})
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

func reserve(t *testing.T, db *sqlite.DB, m carpool.Member) {
	t.Helper()
	ctx := context.Background()
	now := carpool.Timestamp(time.Now())
	site := carpool.Site{ID: carpool.NewID(), Name: "HQ", Address: "a", Lat: 1, Lon: 1, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := db.CreateSite(ctx, site); err != nil {
		t.Fatal(err)
	}
	car := carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPool, Plate: "P " + carpool.NewID()[:8], Make: "VW", Model: "ID.4",
		Seats: 5, SiteID: site.ID, Status: carpool.CarActive, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := db.CreateCar(ctx, car); err != nil {
		t.Fatal(err)
	}
	if _, err := storetest.NewFlows(db).CreateReservation(ctx, car.ID, m, carpool.ReservationTrip, now.Add(time.Hour), now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
}

func TestSignedDeliveryWithEventFilter(t *testing.T) {
	db, _, member := open(t)
	rc := &receiver{secret: webhook.NewSecret()}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	for _, w := range []carpool.Webhook{
		{ID: carpool.NewID(), URL: srv.URL + "/all", Secret: rc.secret, CreatedAt: time.Now()},
		{ID: carpool.NewID(), URL: srv.URL + "/rides", Secret: rc.secret, Events: []string{carpool.EventRideCreated}, CreatedAt: time.Now()},
	} {
		if err := db.CreateWebhook(ctx, w); err != nil {
			t.Fatal(err)
		}
	}
	startRelay(t, db, 20, outboundtest.Allowing(t, srv.URL))
	reserve(t, db, member)
	eventually(t, "one signed delivery", func() bool { got, _ := rc.received(); return len(got) == 1 })
	got, bad := rc.received()
	if len(bad) != 0 {
		t.Fatalf("requests the receiver refused: %v", bad)
	}
	if got[0]["type"] != carpool.EventReservationCreated || got[0]["data"] == nil || got[0]["timestamp"] == nil {
		t.Fatalf("payload: got %v, want type, timestamp and data of reservation.created", got[0])
	}
	// The filtered webhook must not get it; nothing is left to send.
	eventually(t, "no pending deliveries", func() bool { n, _ := db.OutboxBacklog(ctx); return n == 0 })
	if got, _ := rc.received(); len(got) != 1 {
		t.Fatalf("deliveries: got %d, want 1 (the ride-only webhook filters reservations out)", len(got))
	}
}

func TestFailingEndpointIsDisabledAndAdminsTold(t *testing.T) {
	db, admin, member := open(t)
	rc := &receiver{secret: webhook.NewSecret(), status: http.StatusInternalServerError}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	w := carpool.Webhook{ID: carpool.NewID(), URL: srv.URL, Secret: rc.secret, CreatedAt: time.Now()}
	if err := db.CreateWebhook(ctx, w); err != nil {
		t.Fatal(err)
	}
	startRelay(t, db, 3, outboundtest.Allowing(t, srv.URL))
	reserve(t, db, member)
	eventually(t, "the webhook is disabled", func() bool { got, _ := db.Webhook(ctx, w.ID); return !got.Enabled })
	eventually(t, "the admin is told", func() bool {
		in, _, _ := db.Notifications(ctx, admin.ID, carpool.Page{})
		return len(in) == 1 && in[0].Kind == "webhook.disabled"
	})
	_, bad := rc.received()
	if len(bad) != 0 {
		t.Fatalf("requests the receiver refused: %v", bad)
	}
}

func TestCheckURL(t *testing.T) {
	allowInside := outbound.Policy{AllowNetworks: []netip.Prefix{netip.MustParsePrefix("10.20.0.0/16")}, AllowPorts: []int{8443}}
	for _, tc := range []struct {
		url    string
		policy outbound.Policy
		ok     bool
	}{
		{"https://hooks.example.com/carpool", outbound.Policy{}, true},
		{"http://chat.example.com:9090/hook", outbound.Policy{AllowPorts: []int{9090}}, true}, // another machine's 9090 is not our admin port
		{"http://chat.example.com:9090/hook", outbound.Policy{}, false},                       // a port nobody allowed
		{"https://hooks.example.com:99999/x", outbound.Policy{AllowPorts: []int{99999}}, false},
		{"https://user:secret@hooks.example.com/x", outbound.Policy{}, false},
		{"ftp://example.com/x", outbound.Policy{}, false},
		{"javascript:alert(1)", outbound.Policy{}, false},
		{"https:///nohost", outbound.Policy{}, false},
		{"http://169.254.169.254/latest/meta-data/", outbound.Policy{}, false},
		{"http://metadata.google.internal/computeMetadata/v1/", outbound.Policy{}, false},
		{"http://10.1.2.3/", outbound.Policy{}, false},
		{"http://172.16.0.1/", outbound.Policy{}, false},
		{"http://192.168.1.1/", outbound.Policy{}, false},
		{"http://100.64.0.1/", outbound.Policy{}, false},
		{"http://[fd00::1]/", outbound.Policy{}, false},
		{"http://[::ffff:127.0.0.1]/", outbound.Policy{}, false},
		{"http://127.0.0.1/metrics", outbound.Policy{}, false},
		{"http://localhost/", outbound.Policy{}, false},
		{"https://10.20.3.4:8443/hook", allowInside, true},
		{"https://10.21.3.4:8443/hook", allowInside, false},
		{"http://127.0.0.1:9090/metrics", outbound.Policy{AllowNetworks: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, AllowPorts: []int{9090}}, false},
		{"http://localhost:9090/debug/pprof/", outbound.Policy{AllowPorts: []int{9090}}, false},
	} {
		t.Run(tc.url, func(t *testing.T) {
			err := webhook.CheckURL(tc.url, ":9090", tc.policy)
			if (err == nil) != tc.ok {
				t.Fatalf("CheckURL(%q): got %v, want ok=%v", tc.url, err, tc.ok)
			}
			if err != nil && (carpool.ErrorCode(err) != carpool.EINVALID || carpool.ErrorField(err) != "url") {
				t.Fatalf("CheckURL(%q): got %v, want EINVALID about url", tc.url, err)
			}
		})
	}
}

// TestAdminPortRefusedAtConnect: a name that resolves to this machine later (DNS
// rebinding) still cannot reach the admin port, because the check runs on the address
// being dialled.
func TestAdminPortRefusedAtConnect(t *testing.T) {
	hit := make(chan struct{}, 1)
	admin := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hit <- struct{}{} }))
	t.Cleanup(admin.Close)
	addr := strings.TrimPrefix(admin.URL, "http://")
	_, port, _ := strings.Cut(addr, ":")
	w := carpool.Webhook{ID: "w1", URL: "http://localhost:" + port + "/metrics", Secret: webhook.NewSecret(), Enabled: true}
	// Even an operator who allows this machine's network keeps the admin port closed.
	s := webhook.NewSender(webhook.Options{AdminAddr: addr, Policy: outboundtest.Allowing(t, admin.URL),
		Lookup: func(context.Context, string) (carpool.Webhook, error) { return w, nil }})
	err := s.Send(context.Background(), carpool.Delivery{ID: "d1", Recipient: "w1", Payload: []byte(`{}`)})
	if err == nil || err.Error() != webhook.ReasonBlocked {
		t.Fatalf("send to the admin port: got %v, want the refusal %q", err, webhook.ReasonBlocked)
	}
	select {
	case <-hit:
		t.Fatal("the admin listener got the request")
	default:
	}
}

// TestDeliveryErrorsAreFixedReasons: what admins see of a failed attempt is one of a
// few fixed reasons, so a closed port, an answer of 400 and an inside address cannot be
// told apart by their wording, and nothing the receiver said is shown.
func TestDeliveryErrorsAreFixedReasons(t *testing.T) {
	answering := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "secret internal detail", http.StatusBadRequest)
	}))
	t.Cleanup(answering.Close)
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close() // its port now refuses connections
	for _, tc := range []struct {
		name, url string
		policy    outbound.Policy
		want      string
	}{
		{"answered 400", answering.URL + "/hook", outboundtest.Allowing(t, answering.URL), webhook.ReasonRejected},
		{"connection refused", closed.URL + "/hook", outboundtest.Allowing(t, closed.URL), webhook.ReasonUnreachable},
		{"inside address", closed.URL + "/hook", outbound.Policy{}, webhook.ReasonBlocked},
		{"user-info", "https://u:p@hooks.example.com/hook", outbound.Policy{}, webhook.ReasonBlocked},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := carpool.Webhook{ID: "w1", URL: tc.url, Secret: webhook.NewSecret(), Enabled: true}
			s := webhook.NewSender(webhook.Options{Policy: tc.policy,
				Lookup: func(context.Context, string) (carpool.Webhook, error) { return w, nil }})
			err := s.Send(context.Background(), carpool.Delivery{ID: "d1", Recipient: "w1", Payload: []byte(`{}`)})
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got %v, want exactly %q", err, tc.want)
			}
		})
	}
}

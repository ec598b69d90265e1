package outbound_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"carpool/internal/outbound"
	"carpool/internal/outbound/outboundtest"
)

// fakeResolver answers from a table: no lookup leaves the machine.
type fakeResolver map[string][]string

func (f fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	addrs, ok := f[host]
	if !ok {
		return nil, errors.New("no such host")
	}
	var out []netip.Addr
	for _, a := range addrs {
		out = append(out, netip.MustParseAddr(a))
	}
	return out, nil
}

// counting is a local receiver that counts the requests it got.
func counting(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if h != nil {
			h(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// TestNamesResolvingInsideAreRefusedAtConnect: a host name whose addresses (any of
// them) lie in loopback or private space is refused when the connection is made, even
// though the URL itself passes the check (as a name that later rebinds would), and the
// local server never sees the request; once the operator allows its network it does.
func TestNamesResolvingInsideAreRefusedAtConnect(t *testing.T) {
	srv, hits := counting(t, nil)
	u, _ := url.Parse(srv.URL)
	port := u.Port()
	resolver := fakeResolver{
		"inside.test":   {"127.0.0.1"},
		"mapped.test":   {"::ffff:127.0.0.1"},
		"rebinder.test": {"203.0.113.7", "127.0.0.1"},
		"private.test":  {"10.0.0.7"},
	}
	allowed := outboundtest.Allowing(t, srv.URL)
	refusing := outbound.Policy{AllowPorts: allowed.AllowPorts, Resolver: resolver}
	for host := range resolver {
		t.Run(host, func(t *testing.T) {
			raw := "http://" + host + ":" + port + "/hook"
			if err := refusing.CheckURL(raw); err != nil {
				t.Fatalf("CheckURL(%s): %v; a name is checked when it is dialled", raw, err)
			}
			_, err := refusing.Client(time.Second).Get(raw)
			if !errors.Is(err, outbound.ErrBlocked) {
				t.Fatalf("GET %s: got %v, want a refusal by the policy", raw, err)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the local server got %d requests through refused names", n)
	}
	allowed.Resolver = resolver
	res, err := allowed.Client(time.Second).Get("http://inside.test:" + port + "/hook")
	if err != nil {
		t.Fatalf("GET through an allowed network: %v", err)
	}
	res.Body.Close()
	if hits.Load() != 1 {
		t.Fatalf("the allowed request did not arrive")
	}
}

// TestLiteralsAndRulesOfTheURL: address literals, ports, schemes and user-info are
// refused before any connection, each with words saying why.
func TestLiteralsAndRulesOfTheURL(t *testing.T) {
	var p outbound.Policy
	for raw, why := range map[string]string{
		"http://127.0.0.1/":                     "inside address",
		"http://[::1]/":                         "inside address",
		"http://[::ffff:127.0.0.1]/":            "inside address",
		"http://169.254.169.254/latest/":        "inside address",
		"http://100.64.1.1/":                    "inside address",
		"http://[fd00::1]/":                     "inside address",
		"http://[fe80::1]/":                     "inside address",
		"http://224.0.0.1/":                     "inside address",
		"http://0.0.0.0/":                       "inside address",
		"http://metadata.google.internal/":      "metadata",
		"http://localhost/":                     "this machine",
		"http://app.localhost/":                 "this machine",
		"https://user:pw@hooks.example.com/":    "user name or password",
		"https://hooks.example.com:8443/":       "port is not allowed",
		"https://hooks.example.com:70000/":      "between 1 and 65535",
		"gopher://hooks.example.com/":           "http:// or https://",
		"https://hooks.example.com/fine?x=1#ok": "",
		"http://93.184.216.34/":                 "",
	} {
		err := p.CheckURL(raw)
		switch {
		case why == "" && err != nil:
			t.Errorf("CheckURL(%s): %v, want ok", raw, err)
		case why != "" && (!errors.Is(err, outbound.ErrBlocked) || !strings.Contains(err.Error(), why)):
			t.Errorf("CheckURL(%s): got %v, want a refusal saying %q", raw, err, why)
		}
	}
	if got := outbound.Redact("https://user:pw@hooks.example.com/x"); strings.Contains(got, "pw") {
		t.Errorf("Redact kept the password: %s", got)
	}
}

// TestRedirectsAreNotFollowed: a receiver's redirect, here to a server the policy
// allows too, is answered as it is; the target is never asked.
func TestRedirectsAreNotFollowed(t *testing.T) {
	target, targetHits := counting(t, nil)
	first, _ := counting(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/admin", http.StatusFound)
	})
	res, err := outboundtest.Allowing(t, first.URL, target.URL).Client(time.Second).Get(first.URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound || targetHits.Load() != 0 {
		t.Fatalf("got %d with %d requests at the target, want the 302 itself and none", res.StatusCode, targetHits.Load())
	}
}

func TestParseAllowLists(t *testing.T) {
	ports, err := outbound.ParsePorts(" 8443, 9000 ")
	if err != nil || len(ports) != 2 || ports[0] != 8443 {
		t.Fatalf("ParsePorts: %v %v", ports, err)
	}
	if _, err := outbound.ParsePorts("80,http"); err == nil {
		t.Fatal("ParsePorts accepted a name")
	}
	nets, err := outbound.ParseNetworks("10.20.0.0/16, 192.168.1.5")
	if err != nil || len(nets) != 2 || nets[1].Bits() != 32 {
		t.Fatalf("ParseNetworks: %v %v", nets, err)
	}
	if _, err := outbound.ParseNetworks("10.20.0.0/40"); err == nil {
		t.Fatal("ParseNetworks accepted a bad prefix")
	}
}

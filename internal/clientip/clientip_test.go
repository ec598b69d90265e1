package clientip_test

import (
	"net/http/httptest"
	"testing"

	"carpool/internal/clientip"
)

func TestResolverBelievesOnlyTrustedProxies(t *testing.T) {
	trusted, err := clientip.ParsePrefixes("10.42.0.0/16, 192.168.1.1")
	if err != nil {
		t.Fatal(err)
	}
	res := clientip.New(trusted)
	tests := []struct {
		name   string
		peer   string
		header []string
		want   string
	}{
		{"direct client, header ignored", "203.0.113.7:5000", []string{"1.2.3.4"}, "203.0.113.7"},
		{"through the ingress", "10.42.3.4:5000", []string{"198.51.100.9"}, "198.51.100.9"},
		{"client forges a hop before the ingress", "10.42.3.4:5000", []string{"1.2.3.4, 198.51.100.9"}, "198.51.100.9"},
		{"two trusted proxies", "10.42.3.4:5000", []string{"198.51.100.9, 192.168.1.1"}, "198.51.100.9"},
		{"several headers", "10.42.3.4:5000", []string{"1.2.3.4", "198.51.100.9"}, "198.51.100.9"},
		{"garbage hop", "10.42.3.4:5000", []string{"198.51.100.9, nonsense"}, "10.42.3.4"},
		{"no header behind a proxy", "10.42.3.4:5000", nil, "10.42.3.4"},
		{"IPv6 peer", "[2001:db8::1]:443", nil, "2001:db8::1"},
		{"IPv4 mapped", "[::ffff:203.0.113.7]:1", nil, "203.0.113.7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/signin", nil)
			r.RemoteAddr = tt.peer
			for _, h := range tt.header {
				r.Header.Add("X-Forwarded-For", h)
			}
			if got := res.Of(r); got.String() != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestParsePrefixesRefusesGarbage(t *testing.T) {
	if _, err := clientip.ParsePrefixes("10.0.0.0/8,not-an-ip"); err == nil {
		t.Error("got no error, want one for not-an-ip")
	}
}

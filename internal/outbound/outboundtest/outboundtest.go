// Package outboundtest gives tests an outbound policy that lets requests reach their own
// local servers, which the default policy refuses as loopback.
package outboundtest

import (
	"net/netip"
	"net/url"
	"strconv"
	"testing"

	"carpool/internal/outbound"
)

// Allowing returns a policy that allows the loopback address and port of each server
// URL (an httptest.Server's), as an operator's allow-list would an inside network.
func Allowing(tb testing.TB, servers ...string) outbound.Policy {
	tb.Helper()
	var p outbound.Policy
	for _, s := range servers {
		u, err := url.Parse(s)
		if err != nil {
			tb.Fatalf("server URL %q: %v", s, err)
		}
		addr, err := netip.ParseAddr(u.Hostname())
		if err != nil {
			tb.Fatalf("server URL %q: the host is not an address", s)
		}
		port, err := strconv.Atoi(u.Port())
		if err != nil {
			tb.Fatalf("server URL %q: no port", s)
		}
		p.AllowNetworks = append(p.AllowNetworks, netip.PrefixFrom(addr, addr.BitLen()))
		p.AllowPorts = append(p.AllowPorts, port)
	}
	return p
}

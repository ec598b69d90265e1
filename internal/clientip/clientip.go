// Package clientip finds the address a request came from, believing X-Forwarded-For only
// as far as it was written by proxies the operator trusts. Anyone can send the header; a
// client that could choose its address would choose a fresh one for each throttled
// sign-in.
package clientip

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Resolver finds client addresses behind a set of trusted proxies.
type Resolver struct {
	trusted []netip.Prefix
}

// New returns a Resolver that believes X-Forwarded-For entries added by proxies within
// trusted (the ingress controller's pod network, a load balancer's range). With none, it
// always answers the connection's peer.
func New(trusted []netip.Prefix) Resolver {
	return Resolver{trusted: trusted}
}

// Of returns the address of the client that sent r: the connection's peer unless that is a
// trusted proxy; then the X-Forwarded-For entries are read from the right (each proxy
// appends the peer it saw), skipping trusted proxies, and the first other address is the
// client. The zero Addr means the peer could not be parsed.
func (res Resolver) Of(r *http.Request) netip.Addr {
	peer := parse(r.RemoteAddr)
	if !res.trusts(peer) {
		return peer
	}
	hops := forwardedFor(r.Header)
	for i := len(hops) - 1; i >= 0; i-- {
		a := parse(hops[i])
		if !a.IsValid() {
			// A hop that is not an address was not written by a proxy we trust; the
			// last address we could vouch for is the client as far as we know.
			return peer
		}
		if !res.trusts(a) {
			return a
		}
		peer = a
	}
	return peer
}

func (res Resolver) trusts(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	for _, p := range res.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedFor returns the X-Forwarded-For entries of every such header in order.
func forwardedFor(h http.Header) []string {
	var hops []string
	for _, v := range h.Values("X-Forwarded-For") {
		for _, hop := range strings.Split(v, ",") {
			if hop = strings.TrimSpace(hop); hop != "" {
				hops = append(hops, hop)
			}
		}
	}
	return hops
}

// parse reads "ip", "ip:port" or "[ipv6]:port", mapping IPv4-in-IPv6 to IPv4.
func parse(s string) netip.Addr {
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	a, err := netip.ParseAddr(strings.Trim(s, "[]"))
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap().WithZone("")
}

// ParsePrefixes reads a comma-separated list of CIDR prefixes or single addresses.
func ParsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if !strings.Contains(item, "/") {
			a, err := netip.ParseAddr(item)
			if err != nil {
				return nil, err
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(item)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

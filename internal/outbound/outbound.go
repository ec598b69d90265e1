// Package outbound is the policy for requests the server makes on its own — webhook
// deliveries and the geocoder — so that a URL an admin (or a configuration) names
// cannot turn the server against its own network: http and https only, ports 80 and
// 443 unless an operator allows more, no user name or password in the URL, no
// redirects, and no connection to loopback, private, link-local, CGNAT, unique-local,
// multicast or cloud metadata addresses unless an operator allows the network. The
// addresses are checked when the connection is made, every one a name resolves to, so a
// name that resolved to a public address when the URL was registered and to an inside
// one later (DNS rebinding) is still refused.
package outbound

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Resolver looks up a host's addresses; net.DefaultResolver is one, a test's fake
// another.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Policy says where the server may send its own requests. The zero value allows public
// addresses on ports 80 and 443 only, resolved by the system's resolver.
type Policy struct {
	// AllowPorts are the ports besides 80 and 443 a URL may name.
	AllowPorts []int
	// AllowNetworks are the networks that may be reached even though they are inside
	// (a company network holding a webhook receiver). Nothing else inside is reachable.
	AllowNetworks []netip.Prefix
	// Resolver replaces the system's resolver (tests).
	Resolver Resolver
}

// ErrBlocked marks every refusal of the policy; the others say which rule refused.
var (
	ErrBlocked  = errors.New("outbound request refused by policy")
	ErrNotHTTP  = fmt.Errorf("%w: the URL must be http:// or https:// with a host", ErrBlocked)
	ErrUserInfo = fmt.Errorf("%w: the URL must not hold a user name or password", ErrBlocked)
	ErrPort     = fmt.Errorf("%w: the port is not allowed (80 and 443, and those the operator allows)", ErrBlocked)
	ErrInside   = fmt.Errorf("%w: inside address", ErrBlocked)
)

// blockedNetworks are never reached unless an operator allows them: they name this
// machine, the networks inside the company or the cloud, or many machines at once.
var blockedNetworks = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),         // "this network"
	netip.MustParsePrefix("10.0.0.0/8"),        // private
	netip.MustParsePrefix("100.64.0.0/10"),     // CGNAT
	netip.MustParsePrefix("127.0.0.0/8"),       // loopback
	netip.MustParsePrefix("169.254.0.0/16"),    // link-local, cloud metadata (169.254.169.254)
	netip.MustParsePrefix("172.16.0.0/12"),     // private
	netip.MustParsePrefix("192.0.0.0/24"),      // IETF protocol assignments
	netip.MustParsePrefix("192.168.0.0/16"),    // private
	netip.MustParsePrefix("198.18.0.0/15"),     // benchmarking
	netip.MustParsePrefix("224.0.0.0/4"),       // multicast
	netip.MustParsePrefix("240.0.0.0/4"),       // reserved, broadcast
	netip.MustParsePrefix("::/128"),            // unspecified
	netip.MustParsePrefix("::1/128"),           // loopback
	netip.MustParsePrefix("64:ff9b::/96"),      // NAT64, which reaches IPv4 inside too
	netip.MustParsePrefix("fc00::/7"),          // unique-local
	netip.MustParsePrefix("fe80::/10"),         // link-local
	netip.MustParsePrefix("ff00::/8"),          // multicast
	netip.MustParsePrefix("fd00:ec2::254/128"), // AWS metadata over IPv6 (inside fc00::/7 too)
}

// blockedNames are host names that reach metadata services or this machine whatever a
// resolver says about them.
var blockedNames = []string{"localhost", "metadata.google.internal", "metadata", "instance-data"}

// CheckURL checks raw before it is stored or used: a refusal says in words what is
// wrong, for the admin who typed it. Host names are not resolved here (they are at
// every connection); address literals are checked now.
func (p Policy) CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.Opaque != "" {
		return ErrNotHTTP
	}
	if u.User != nil {
		return ErrUserInfo
	}
	port, err := portOf(u)
	if err != nil {
		return err
	}
	if !p.portAllowed(port) {
		return fmt.Errorf("%w: port %d", ErrPort, port)
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if addr, err := netip.ParseAddr(host); err == nil {
		return p.CheckAddr(addr)
	}
	for _, name := range blockedNames {
		if host == name || strings.HasSuffix(host, "."+name) {
			return fmt.Errorf("%w: %s names this machine or a metadata service", ErrInside, host)
		}
	}
	return nil
}

func portOf(u *url.URL) (int, error) {
	if u.Port() == "" {
		if u.Scheme == "https" {
			return 443, nil
		}
		return 80, nil
	}
	n, err := strconv.Atoi(u.Port())
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("%w: the port must be between 1 and 65535", ErrPort)
	}
	return n, nil
}

func (p Policy) portAllowed(port int) bool {
	return port == 80 || port == 443 || slices.Contains(p.AllowPorts, port)
}

// CheckAddr refuses an address inside blocked space unless an allowed network holds it.
func (p Policy) CheckAddr(addr netip.Addr) error {
	addr = addr.Unmap() // ::ffff:127.0.0.1 is 127.0.0.1
	for _, n := range p.AllowNetworks {
		if n.Contains(addr) {
			return nil
		}
	}
	for _, n := range blockedNetworks {
		if n.Contains(addr) {
			return fmt.Errorf("%w: %s", ErrInside, addr)
		}
	}
	return nil
}

// Client returns an HTTP client that keeps the policy on every request: the URL is
// checked, every address of its host is checked when a connection is made, redirects
// are not followed, and no proxy is used (a proxy would connect where the policy
// cannot see).
func (p Policy) Client(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: timeout, Control: p.control}
	transport := &http.Transport{
		DialContext:           p.dialContext(dialer),
		Proxy:                 nil,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   4,
	}
	return &http.Client{
		Timeout:   2 * timeout,
		Transport: checkedTransport{policy: p, next: transport},
		// A receiver's redirect could point anywhere; its answer is taken as it is.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// checkedTransport checks each request's URL before the transport sees it.
type checkedTransport struct {
	policy Policy
	next   http.RoundTripper
}

func (t checkedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := t.policy.CheckURL(r.URL.String()); err != nil {
		return nil, err
	}
	return t.next.RoundTrip(r)
}

// dialContext resolves the host itself and refuses it when any of its addresses is
// inside: a name that answers with a public and an inside address is a name to distrust.
func (p Policy) dialContext(d *net.Dialer) func(ctx context.Context, network, address string) (net.Conn, error) {
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(address)
		if err != nil {
			return nil, err
		}
		var addrs []netip.Addr
		if a, err := netip.ParseAddr(host); err == nil {
			addrs = []netip.Addr{a}
		} else {
			r := p.Resolver
			if r == nil {
				r = net.DefaultResolver
			}
			if addrs, err = r.LookupNetIP(ctx, "ip", host); err != nil {
				return nil, fmt.Errorf("resolve %s: %w", host, err)
			}
		}
		if len(addrs) == 0 {
			return nil, fmt.Errorf("resolve %s: no address", host)
		}
		for _, a := range addrs {
			if err := p.CheckAddr(a); err != nil {
				return nil, fmt.Errorf("%s: %w", host, err)
			}
		}
		var last error
		for _, a := range addrs {
			conn, err := d.DialContext(ctx, network, net.JoinHostPort(a.Unmap().String(), port))
			if err == nil {
				return conn, nil
			}
			last = err
		}
		return nil, last
	}
}

// control checks the address a socket is about to connect to: the last word, whatever
// resolved it.
func (p Policy) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: cannot read the address %q", ErrBlocked, address)
	}
	return p.CheckAddr(ap.Addr())
}

// Redact returns raw with any user name and password replaced, for showing a URL that
// was stored before user-info was refused.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = url.User("redacted")
	return u.String()
}

// ParsePorts reads a comma-separated list of ports (the operator's allow-list).
func ParsePorts(v string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("%q is not a port between 1 and 65535", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// ParseNetworks reads a comma-separated list of networks in CIDR notation or single
// addresses (the operator's allow-list).
func ParseNetworks(v string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if a, err := netip.ParseAddr(f); err == nil {
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		n, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not a network like 10.20.0.0/16 or an address", f)
		}
		out = append(out, n.Masked())
	}
	return out, nil
}

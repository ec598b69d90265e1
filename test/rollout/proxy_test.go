package rollout_test

import (
	"fmt"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// balancer is the load balancer of the roll test: round robin over the backends whose
// /readyz answered 200 at the last check, like a Kubernetes Service with a readiness
// probe (but faster). It never retries: a request that fails reaches the client.
type balancer struct {
	proxy *httputil.ReverseProxy
	stop  chan struct{}
	wg    sync.WaitGroup

	mu       sync.Mutex
	backends []*backend
	next     int
}

type backend struct {
	name    string
	target  *url.URL
	healthy atomic.Bool
	served  atomic.Int64
	// downAt is when the balancer first saw /readyz fail after it had been healthy.
	downAt atomic.Pointer[time.Time]
}

type backendKey struct{}

func newBalancer() *balancer {
	b := &balancer{stop: make(chan struct{})}
	b.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			be := pr.In.Context().Value(backendKey{}).(*backend)
			pr.SetURL(be.target)
			pr.SetXForwarded()
		},
		Transport: &http.Transport{MaxIdleConnsPerHost: 32, IdleConnTimeout: 30 * time.Second},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			be := r.Context().Value(backendKey{}).(*backend)
			w.Header().Set("X-Balancer-Error", fmt.Sprintf("%s: %v", be.name, err))
			w.WriteHeader(http.StatusBadGateway)
		},
	}
	return b
}

// add puts a backend in the pool; it gets traffic once its /readyz answers 200.
func (b *balancer) add(name, addr string) *backend {
	be := &backend{name: name, target: &url.URL{Scheme: "http", Host: addr}}
	b.mu.Lock()
	b.backends = append(b.backends, be)
	b.mu.Unlock()
	b.wg.Add(1)
	go b.check(be)
	return be
}

// check polls the backend's /readyz every 25 ms until the balancer stops.
func (b *balancer) check(be *backend) {
	defer b.wg.Done()
	probe := &http.Client{Timeout: 500 * time.Millisecond}
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := probe.Get(be.target.String() + "/readyz")
		ok := err == nil && resp.StatusCode == http.StatusOK
		if err == nil {
			resp.Body.Close()
		}
		if !ok && be.healthy.Load() && be.downAt.Load() == nil {
			now := time.Now()
			be.downAt.Store(&now)
		}
		be.healthy.Store(ok)
		select {
		case <-b.stop:
			return
		case <-tick.C:
		}
	}
}

func (b *balancer) pick() *backend {
	b.mu.Lock()
	defer b.mu.Unlock()
	for range b.backends {
		be := b.backends[b.next%len(b.backends)]
		b.next++
		if be.healthy.Load() {
			return be
		}
	}
	return nil
}

func (b *balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	be := b.pick()
	if be == nil {
		w.Header().Set("X-Balancer-Error", "no healthy backend")
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	be.served.Add(1)
	b.proxy.ServeHTTP(w, r.WithContext(contextWith(r, be)))
}

func (b *balancer) close() {
	close(b.stop)
	b.wg.Wait()
}

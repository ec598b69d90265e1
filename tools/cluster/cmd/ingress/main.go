// Command ingress is the test cluster's Ingress controller, a stand-in for traefik: traefik
// v3 cannot be built here because the module proxy refuses several of its dependencies
// (its fork github.com/containous/go-http-auth, DNS provider SDKs of go-acme/lego). It
// serves the networking.k8s.io/v1 Ingresses of one IngressClass over plain HTTP: host and
// path rules (Exact, Prefix, ImplementationSpecific as prefix) to a Service port, proxied
// round-robin to the Service's ready endpoints from its EndpointSlices, as traefik's
// kubernetesingress provider does. It reads the API once a second with the pod's service
// account; standard library only.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const saDir = "/var/run/secrets/kubernetes.io/serviceaccount"

func main() {
	addr := flag.String("addr", ":8000", "listen address for Ingress traffic")
	health := flag.String("health", ":9000", "listen address of /ping")
	class := flag.String("class", "traefik", "IngressClass whose Ingresses are served")
	flag.Parse()

	api, err := newAPI()
	if err != nil {
		log.Fatalf("ingress: %v", err)
	}
	r := &router{}
	go func() {
		for {
			if err := r.refresh(context.Background(), api, *class); err != nil {
				log.Printf("ingress: refresh: %v", err)
			}
			time.Sleep(time.Second)
		}
	}()
	go func() {
		mux := http.NewServeMux()
		mux.HandleFunc("/ping", func(w http.ResponseWriter, _ *http.Request) {
			if r.table.Load() == nil {
				http.Error(w, "no routes read yet", http.StatusServiceUnavailable)
				return
			}
			fmt.Fprintln(w, "OK")
		})
		log.Fatal(http.ListenAndServe(*health, mux))
	}()
	log.Printf("ingress: serving class %q on %s", *class, *addr)
	log.Fatal((&http.Server{Addr: *addr, Handler: r, ReadHeaderTimeout: 10 * time.Second}).ListenAndServe())
}

// api reads the Kubernetes API with the pod's service account.
type api struct {
	base   string
	token  string
	client *http.Client
}

func newAPI() (*api, error) {
	host, port := os.Getenv("KUBERNETES_SERVICE_HOST"), os.Getenv("KUBERNETES_SERVICE_PORT")
	if host == "" {
		return nil, fmt.Errorf("not in a pod: KUBERNETES_SERVICE_HOST is unset")
	}
	token, err := os.ReadFile(saDir + "/token")
	if err != nil {
		return nil, err
	}
	ca, err := os.ReadFile(saDir + "/ca.crt")
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	return &api{
		base:   "https://" + net.JoinHostPort(host, port),
		token:  strings.TrimSpace(string(token)),
		client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}},
	}, nil
}

func (a *api) get(ctx context.Context, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	resp, err := a.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

type meta struct {
	Name      string            `json:"name"`
	Namespace string            `json:"namespace"`
	Labels    map[string]string `json:"labels"`
}

type backendPort struct {
	Name   string `json:"name"`
	Number int    `json:"number"`
}

type ingressList struct {
	Items []struct {
		Metadata meta `json:"metadata"`
		Spec     struct {
			IngressClassName string `json:"ingressClassName"`
			Rules            []struct {
				Host string `json:"host"`
				HTTP struct {
					Paths []struct {
						Path     string `json:"path"`
						PathType string `json:"pathType"`
						Backend  struct {
							Service struct {
								Name string      `json:"name"`
								Port backendPort `json:"port"`
							} `json:"service"`
						} `json:"backend"`
					} `json:"paths"`
				} `json:"http"`
			} `json:"rules"`
		} `json:"spec"`
	} `json:"items"`
}

type serviceList struct {
	Items []struct {
		Metadata meta `json:"metadata"`
		Spec     struct {
			Ports []struct {
				Name string `json:"name"`
				Port int    `json:"port"`
			} `json:"ports"`
		} `json:"spec"`
	} `json:"items"`
}

type sliceList struct {
	Items []struct {
		Metadata  meta `json:"metadata"`
		Endpoints []struct {
			Addresses  []string `json:"addresses"`
			Conditions struct {
				Ready *bool `json:"ready"`
			} `json:"conditions"`
		} `json:"endpoints"`
		Ports []struct {
			Name string `json:"name"`
			Port int    `json:"port"`
		} `json:"ports"`
	} `json:"items"`
}

// route is one path rule with the ready endpoints of its backend.
type route struct {
	host, path string
	exact      bool
	targets    []*httputil.ReverseProxy
	next       atomic.Uint64
}

type router struct {
	table atomic.Pointer[[]*route]
	mu    sync.Mutex
	// proxies are kept per endpoint so that their connections are reused across refreshes.
	proxies map[string]*httputil.ReverseProxy
}

func (r *router) proxy(target string) *httputil.ReverseProxy {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.proxies == nil {
		r.proxies = map[string]*httputil.ReverseProxy{}
	}
	p, ok := r.proxies[target]
	if !ok {
		u := &url.URL{Scheme: "http", Host: target}
		p = httputil.NewSingleHostReverseProxy(u)
		r.proxies[target] = p
	}
	return p
}

func (r *router) refresh(ctx context.Context, a *api, class string) error {
	var ings ingressList
	var svcs serviceList
	var slices sliceList
	if err := a.get(ctx, "/apis/networking.k8s.io/v1/ingresses", &ings); err != nil {
		return err
	}
	if err := a.get(ctx, "/api/v1/services", &svcs); err != nil {
		return err
	}
	if err := a.get(ctx, "/apis/discovery.k8s.io/v1/endpointslices", &slices); err != nil {
		return err
	}
	var table []*route
	for _, ing := range ings.Items {
		if ing.Spec.IngressClassName != class {
			continue
		}
		ns := ing.Metadata.Namespace
		for _, rule := range ing.Spec.Rules {
			for _, p := range rule.HTTP.Paths {
				svc, port := p.Backend.Service.Name, p.Backend.Service.Port
				// The EndpointSlice names the Service's port; its number is the pod's.
				portName := port.Name
				for _, s := range svcs.Items {
					if s.Metadata.Namespace != ns || s.Metadata.Name != svc {
						continue
					}
					for _, sp := range s.Spec.Ports {
						if (port.Name != "" && sp.Name == port.Name) || (port.Number != 0 && sp.Port == port.Number) {
							portName = sp.Name
						}
					}
				}
				rt := &route{host: rule.Host, path: p.Path, exact: p.PathType == "Exact"}
				if rt.path == "" {
					rt.path = "/"
				}
				var targets []string
				for _, sl := range slices.Items {
					if sl.Metadata.Namespace != ns || sl.Metadata.Labels["kubernetes.io/service-name"] != svc {
						continue
					}
					for _, sp := range sl.Ports {
						if sp.Name != portName {
							continue
						}
						for _, ep := range sl.Endpoints {
							if ep.Conditions.Ready != nil && !*ep.Conditions.Ready {
								continue
							}
							for _, addr := range ep.Addresses {
								targets = append(targets, net.JoinHostPort(addr, strconv.Itoa(sp.Port)))
							}
						}
					}
				}
				sort.Strings(targets)
				for _, t := range targets {
					rt.targets = append(rt.targets, r.proxy(t))
				}
				table = append(table, rt)
			}
		}
	}
	// Longest path first, so that the most specific rule wins.
	sort.SliceStable(table, func(i, j int) bool { return len(table[i].path) > len(table[j].path) })
	r.table.Store(&table)
	return nil
}

func (r *router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	host := req.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	t := r.table.Load()
	if t == nil {
		http.Error(w, "no routes yet", http.StatusServiceUnavailable)
		return
	}
	for _, rt := range *t {
		if rt.host != "" && rt.host != host {
			continue
		}
		if rt.exact && req.URL.Path != rt.path || !rt.exact && !strings.HasPrefix(req.URL.Path, rt.path) {
			continue
		}
		if len(rt.targets) == 0 {
			http.Error(w, "no ready endpoints", http.StatusServiceUnavailable)
			return
		}
		rt.targets[rt.next.Add(1)%uint64(len(rt.targets))].ServeHTTP(w, req)
		return
	}
	http.NotFound(w, req)
}

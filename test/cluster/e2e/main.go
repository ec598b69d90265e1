// Command e2e drives carpool through the test cluster's Ingress, as a member would, for
// scripts/checks/90-cluster.sh. It runs inside the cluster's network namespace (scripts/cluster
// exec) and reaches http://carpool.local through traefik on the node.
//
//	e2e journey -state FILE   admin signs in, makes a site and a pool car, reserves it, offers
//	                          a ride; a colleague signs up, searches, books (confirmed) and sees
//	                          the driver's phone; FILE keeps what later steps check
//	e2e load -state FILE -stop FILE [-workers N] [-rate R]
//	                          N riders until the stop file appears: as many as the ride has
//	                          free seats book and cancel a seat on it, the others search rides
//	                          and read their bookings; fails on any failed request (or none)
//	e2e failover -state FILE -stop FILE -acks FILE -summary FILE [-workers N] [-rate R]
//	                          N riders, more than the ride's free seats, book and cancel
//	                          while the database fails over; counts failed requests and
//	                          retries them; writes what each booking was last acknowledged
//	                          as, and the counts with the first and last failure's time
//	e2e verify -state FILE    the journey's data is all there (after a restore)
//
// -rate bounds a load to R requests a second over all its riders.
//
// The admin must exist already (carpool members add); its credentials come from
// E2E_ADMIN_EMAIL and E2E_ADMIN_PASSWORD. E2E_INGRESS is the node's address (10.201.0.1:80).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

const base = "http://carpool.local/api/v1"

// State is what the journey leaves for the later steps.
type State struct {
	AdminEmail    string `json:"admin_email"`
	AdminPassword string `json:"admin_password"`
	RiderEmail    string `json:"rider_email"`
	RiderPassword string `json:"rider_password"`
	RideID        string `json:"ride_id"`
	BookingID     string `json:"booking_id"`
	DriverPhone   string `json:"driver_phone"`
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: e2e journey|load|failover|verify -state FILE")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	stateFile := fs.String("state", "", "state file")
	stopFile := fs.String("stop", "", "load stops when this file exists")
	workers := fs.Int("workers", 3, "concurrent riders under load")
	acksFile := fs.String("acks", "", "failover: where each booking's acknowledged status goes")
	summaryFile := fs.String("summary", "", "failover: where the counts go (JSON)")
	rate := fs.Float64("rate", 0, "load, failover: requests a second over all riders (0: as fast as they go)")
	fs.Parse(os.Args[2:])
	c := newClient()
	c.paced(*rate)
	var err error
	switch os.Args[1] {
	case "journey":
		err = journey(c, *stateFile)
	case "load":
		err = load(c, *stateFile, *stopFile, *workers)
	case "failover":
		err = failover(c, *stateFile, *stopFile, *acksFile, *summaryFile, *workers)
	case "verify":
		err = verify(c, *stateFile)
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e "+os.Args[1]+":", err)
		os.Exit(1)
	}
}

type client struct {
	http *http.Client
	// pace, when set, lets one request out per tick. The loads only need a steady stream
	// of requests across a rollout or a failover; as fast as they could go, they took a
	// core that the tests beside the cluster check need.
	pace <-chan time.Time
}

// paced bounds the client to rate requests a second over all its riders (0: no bound).
func (c *client) paced(rate float64) {
	if rate > 0 {
		c.pace = time.NewTicker(time.Duration(float64(time.Second) / rate)).C
	}
}

// send sends req when the pace allows.
func (c *client) send(req *http.Request) (*http.Response, error) {
	if c.pace != nil {
		<-c.pace
	}
	return c.http.Do(req)
}

// newClient resolves carpool.local to the node, as /etc/hosts would on a laptop.
func newClient() *client {
	ingress := os.Getenv("E2E_INGRESS")
	if ingress == "" {
		ingress = "10.201.0.1:80"
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, ingress)
		},
		MaxIdleConnsPerHost: 16,
	}
	return &client{http: &http.Client{Transport: tr, Timeout: 15 * time.Second}}
}

var keys atomic.Int64

// do sends a JSON request and decodes the answer into out; any status but want is an error.
func (c *client) do(method, path, token string, body, out any, want int) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if method == http.MethodPost {
		// A retry of the same key never creates twice, so proxies may replay it safely.
		req.Header.Set("Idempotency-Key", fmt.Sprintf("e2e-%d-%d", time.Now().UnixNano(), keys.Add(1)))
	}
	resp, err := c.send(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: got status %d, want %d: %s", method, path, resp.StatusCode, want, bytes.TrimSpace(data))
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s %s: decode: %w", method, path, err)
		}
	}
	return nil
}

// doKey sends a JSON request with the Idempotency-Key KEY (none when empty), so that a
// retry is the same request, and decodes a 2xx answer into out; it returns the status.
func (c *client) doKey(method, path, token, key string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := c.send(req)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 == 2 && out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: decode: %w", method, path, err)
		}
	}
	if resp.StatusCode >= 500 {
		return resp.StatusCode, fmt.Errorf("%s %s: %s", method, path, bytes.TrimSpace(data))
	}
	return resp.StatusCode, nil
}

func (c *client) token(email, password string) (string, error) {
	var t struct {
		Token string `json:"token"`
	}
	err := c.do(http.MethodPost, "/tokens", "", map[string]string{"email": email, "password": password}, &t, http.StatusCreated)
	return t.Token, err
}

type idOnly struct {
	ID string `json:"id"`
}

type person struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

type ride struct {
	ID        string `json:"id"`
	DepartAt  string `json:"depart_at"`
	FreeSeats int    `json:"free_seats"`
	Driver    person `json:"driver"`
}

type booking struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

func journey(c *client, stateFile string) error {
	st := State{
		AdminEmail:    os.Getenv("E2E_ADMIN_EMAIL"),
		AdminPassword: os.Getenv("E2E_ADMIN_PASSWORD"),
		RiderEmail:    fmt.Sprintf("bo-%d@example.com", time.Now().UnixNano()),
		RiderPassword: "another-long-secret",
		DriverPhone:   os.Getenv("E2E_ADMIN_PHONE"),
	}
	admin, err := c.token(st.AdminEmail, st.AdminPassword)
	if err != nil {
		return fmt.Errorf("admin sign-in: %w", err)
	}
	var site, car, res idOnly
	if err := c.do(http.MethodPost, "/sites", admin, map[string]any{
		"name": "Berlin HQ", "address": "Unter den Linden 1, Berlin", "lat": 52.5170, "lon": 13.3889,
	}, &site, http.StatusCreated); err != nil {
		return err
	}
	if err := c.do(http.MethodPost, "/cars", admin, map[string]any{
		"kind": "pool", "plate": fmt.Sprintf("B-CP %d", time.Now().Unix()%10000), "make": "VW", "model": "ID.4", "seats": 5, "site_id": site.ID,
	}, &car, http.StatusCreated); err != nil {
		return err
	}
	day := time.Now().UTC().AddDate(0, 0, 1).Format("2006-01-02")
	if err := c.do(http.MethodPost, "/cars/"+car.ID+"/reservations", admin, map[string]any{
		"start": day + "T08:00:00Z", "end": day + "T18:00:00Z",
	}, &res, http.StatusCreated); err != nil {
		return fmt.Errorf("reserve: %w", err)
	}
	var r ride
	if err := c.do(http.MethodPost, "/rides", admin, map[string]any{
		"car_id": car.ID, "reservation_id": res.ID,
		"from":      map[string]any{"label": "Berlin HQ", "lat": 52.5170, "lon": 13.3889},
		"to":        map[string]any{"label": "Potsdam office", "lat": 52.3906, "lon": 13.0645},
		"depart_at": day + "T17:15:00Z", "seats": 4, "booking_mode": "instant",
	}, &r, http.StatusCreated); err != nil {
		return fmt.Errorf("offer: %w", err)
	}
	st.RideID = r.ID
	fmt.Printf("   admin reserved car %s and offers ride %s\n", car.ID, r.ID)

	if err := c.do(http.MethodPost, "/members", "", map[string]string{
		"email": st.RiderEmail, "name": "Bo Rider", "password": st.RiderPassword,
	}, nil, http.StatusCreated); err != nil {
		return fmt.Errorf("sign up: %w", err)
	}
	bo, err := c.token(st.RiderEmail, st.RiderPassword)
	if err != nil {
		return err
	}
	var found struct {
		Items []ride `json:"items"`
	}
	if err := c.do(http.MethodGet, searchPath(day), bo, nil, &found, http.StatusOK); err != nil {
		return err
	}
	if !containsRide(found.Items, r.ID) {
		return fmt.Errorf("search: ride %s not among %d results", r.ID, len(found.Items))
	}
	var b booking
	if err := c.do(http.MethodPost, "/rides/"+r.ID+"/bookings", bo, map[string]any{"seats": 1}, &b, http.StatusCreated); err != nil {
		return fmt.Errorf("book: %w", err)
	}
	if b.Status != "confirmed" {
		return fmt.Errorf("book: got status %q, want confirmed", b.Status)
	}
	st.BookingID = b.ID
	var seen ride
	if err := c.do(http.MethodGet, "/rides/"+r.ID, bo, nil, &seen, http.StatusOK); err != nil {
		return err
	}
	if seen.Driver.Phone == "" || (st.DriverPhone != "" && seen.Driver.Phone != st.DriverPhone) {
		return fmt.Errorf("contact: passenger sees driver phone %q, want %q", seen.Driver.Phone, st.DriverPhone)
	}
	fmt.Printf("   %s signed up, found the ride, booked (%s) and sees the driver's phone %s\n", st.RiderEmail, b.Status, seen.Driver.Phone)
	data, _ := json.MarshalIndent(st, "", "  ")
	return os.WriteFile(stateFile, data, 0o600)
}

// searchPath is a rider's search near the journey's route on DAY (YYYY-MM-DD), around the
// journey ride's departure.
func searchPath(day string) string {
	return "/rides?from=52.52,13.40&to=52.39,13.06&radius_km=5&depart_after=" + day + "T16:00:00Z&depart_before=" + day + "T19:00:00Z&seats=1"
}

func containsRide(rides []ride, id string) bool {
	for _, r := range rides {
		if r.ID == id {
			return true
		}
	}
	return false
}

func readState(file string) (State, error) {
	var st State
	data, err := os.ReadFile(file)
	if err != nil {
		return st, err
	}
	return st, json.Unmarshal(data, &st)
}

func load(c *client, stateFile, stopFile string, workers int) error {
	st, err := readState(stateFile)
	if err != nil {
		return err
	}
	// Each worker is a rider of its own: one active booking per rider and ride.
	tokens := make([]string, workers)
	for i := range tokens {
		email := fmt.Sprintf("load-%d-%d@example.com", time.Now().UnixNano(), i)
		if err := c.do(http.MethodPost, "/members", "", map[string]string{"email": email, "name": "Load " + strconv.Itoa(i), "password": "load-test-secret"}, nil, http.StatusCreated); err != nil {
			return fmt.Errorf("sign up load rider: %w", err)
		}
		if tokens[i], err = c.token(email, "load-test-secret"); err != nil {
			return err
		}
	}
	var ok, failed atomic.Int64
	var mu sync.Mutex
	var firstErrs []error
	fail := func(err error) {
		failed.Add(1)
		mu.Lock()
		if len(firstErrs) < 10 {
			firstErrs = append(firstErrs, fmt.Errorf("%s %w", time.Now().UTC().Format("15:04:05.000"), err))
		}
		mu.Unlock()
	}
	stop := make(chan struct{})
	go func() {
		for {
			if _, err := os.Stat(stopFile); err == nil {
				close(stop)
				return
			}
			time.Sleep(200 * time.Millisecond)
		}
	}()
	// Only as many riders book as the ride has free seats, so that every booking must
	// succeed: a "ride is full" would be the right answer of a correct system to one
	// rider too many, but a load that expects some refusals cannot tell them from wrong
	// ones, and a request lost while pods come and go must fail the step. The other
	// riders search and read, as most of a carpool's traffic does.
	var r ride
	if err := c.do(http.MethodGet, "/rides/"+st.RideID, tokens[0], nil, &r, http.StatusOK); err != nil {
		return err
	}
	if r.FreeSeats < 1 {
		return fmt.Errorf("ride %s has no free seat to book under load", st.RideID)
	}
	departAt, err := time.Parse(time.RFC3339, r.DepartAt)
	if err != nil {
		return fmt.Errorf("ride %s: depart_at: %w", st.RideID, err)
	}
	search := searchPath(departAt.UTC().Format("2006-01-02"))
	bookers := min(workers, r.FreeSeats)
	fmt.Printf("   load: %d riders book and cancel on ride %s (%d free seats), %d search and read\n", bookers, st.RideID, r.FreeSeats, workers-bookers)
	stopped := func() bool {
		select {
		case <-stop:
			return true
		default:
			return false
		}
	}
	var wg sync.WaitGroup
	start := time.Now()
	for _, tok := range tokens[bookers:] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stopped() {
				var found struct {
					Items []ride `json:"items"`
				}
				if err := c.do(http.MethodGet, search, tok, nil, &found, http.StatusOK); err != nil {
					fail(err)
					time.Sleep(100 * time.Millisecond)
					continue
				}
				ok.Add(1)
				if err := c.do(http.MethodGet, "/bookings", tok, nil, nil, http.StatusOK); err != nil {
					fail(err)
					continue
				}
				ok.Add(1)
			}
		}()
	}
	for _, tok := range tokens[:bookers] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stopped() {
				var b booking
				if err := c.do(http.MethodPost, "/rides/"+st.RideID+"/bookings", tok, map[string]any{"seats": 1}, &b, http.StatusCreated); err != nil {
					fail(err)
					time.Sleep(100 * time.Millisecond)
					continue
				}
				ok.Add(1)
				if err := c.do(http.MethodPost, "/bookings/"+b.ID+"/cancel", tok, nil, nil, http.StatusOK); err != nil {
					fail(err)
					continue
				}
				ok.Add(1)
				if err := c.do(http.MethodGet, "/rides/"+st.RideID, tok, nil, nil, http.StatusOK); err != nil {
					fail(err)
					continue
				}
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	fmt.Printf("   load: %d requests in %.0fs (%.0f/s), %d failed\n", ok.Load()+failed.Load(), secs, float64(ok.Load())/secs, failed.Load())
	if failed.Load() > 0 {
		return fmt.Errorf("%d failed requests, first ones: %w", failed.Load(), errors.Join(firstErrs...))
	}
	if ok.Load() == 0 {
		return errors.New("no request succeeded")
	}
	return nil
}

func verify(c *client, stateFile string) error {
	st, err := readState(stateFile)
	if err != nil {
		return err
	}
	bo, err := c.token(st.RiderEmail, st.RiderPassword)
	if err != nil {
		return fmt.Errorf("rider sign-in: %w", err)
	}
	var r ride
	if err := c.do(http.MethodGet, "/rides/"+st.RideID, bo, nil, &r, http.StatusOK); err != nil {
		return err
	}
	if r.Driver.Phone == "" {
		return fmt.Errorf("ride %s: passenger no longer sees the driver's phone", st.RideID)
	}
	var mine struct {
		Items []booking `json:"items"`
	}
	if err := c.do(http.MethodGet, "/bookings", bo, nil, &mine, http.StatusOK); err != nil {
		return err
	}
	for _, b := range mine.Items {
		if b.ID == st.BookingID && b.Status == "confirmed" {
			fmt.Printf("   ride %s, booking %s (confirmed) and both members are there\n", st.RideID, b.ID)
			return nil
		}
	}
	return fmt.Errorf("booking %s not among the rider's %d bookings", st.BookingID, len(mine.Items))
}

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// failover puts booking load on the journey's ride while the database fails over under it:
// more riders than free seats book and cancel, so the ride is full at times and a refusal
// (409) is a correct answer. A request that fails (no answer, 5xx) is counted and retried
// as a careful client would: a booking with the same Idempotency-Key, so it is never made
// twice; after an answer that leaves the outcome open, the rider reads its bookings. What
// each rider was last told about each booking goes to ACKS (id, confirmed|cancelled), for
// the check to compare with the database; SUMMARY gets the counts and the times of the
// first and last failure. Unlike load it does not fail on failed requests: counting them
// is its purpose. It fails when no booking was confirmed or nothing succeeded after the
// last failure.
func failover(c *client, stateFile, stopFile, acksFile, summaryFile string, workers int) error {
	st, err := readState(stateFile)
	if err != nil {
		return err
	}
	tokens := make([]string, workers)
	for i := range tokens {
		email := fmt.Sprintf("failover-%d-%d@example.com", time.Now().UnixNano(), i)
		if err := c.do(http.MethodPost, "/members", "", map[string]string{"email": email, "name": "Failover " + fmt.Sprint(i), "password": "load-test-secret"}, nil, http.StatusCreated); err != nil {
			return fmt.Errorf("sign up rider: %w", err)
		}
		if tokens[i], err = c.token(email, "load-test-secret"); err != nil {
			return err
		}
	}
	var r ride
	if err := c.do(http.MethodGet, "/rides/"+st.RideID, tokens[0], nil, &r, http.StatusOK); err != nil {
		return err
	}
	fmt.Printf("   failover load: %d riders book and cancel on ride %s (%d free seats)\n", workers, st.RideID, r.FreeSeats)

	s := &failoverStats{acks: map[string]string{}}
	stop := watchStop(stopFile)
	var wg sync.WaitGroup
	start := time.Now()
	for _, tok := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.rider(c, st.RideID, tok, stop)
		}()
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	sum := s.summary()
	fmt.Printf("   failover load: %d requests in %.0fs, %d failed, %d refused (ride full), %d bookings confirmed, %d cancelled\n",
		sum.Requests, secs, sum.Failed, sum.Refused, sum.Confirmed, sum.Cancelled)
	for _, e := range s.firstErrs {
		fmt.Printf("   failed: %v\n", e)
	}
	if err := s.writeAcks(acksFile); err != nil {
		return err
	}
	data, _ := json.Marshal(sum)
	if err := os.WriteFile(summaryFile, data, 0o600); err != nil {
		return err
	}
	if sum.Confirmed == 0 {
		return errors.New("no booking was confirmed")
	}
	if sum.OKAfterLastFailure == 0 {
		return errors.New("nothing succeeded after the last failed request")
	}
	return nil
}

// failoverSummary is what the check reads; times are Unix seconds (0: no failure).
type failoverSummary struct {
	Requests           int64   `json:"requests"`
	Failed             int64   `json:"failed"`
	Refused            int64   `json:"refused"`
	Confirmed          int64   `json:"confirmed"`
	Cancelled          int64   `json:"cancelled"`
	FirstFailure       float64 `json:"first_failure"`
	LastFailure        float64 `json:"last_failure"`
	OKAfterLastFailure int64   `json:"ok_after_last_failure"`
}

type failoverStats struct {
	ok, failed, refused, confirmed, cancelled atomic.Int64
	mu                                        sync.Mutex
	acks                                      map[string]string
	first, last                               time.Time
	okSinceFailure                            int64
	firstErrs                                 []error
}

func (s *failoverStats) succeeded() {
	s.ok.Add(1)
	s.mu.Lock()
	s.okSinceFailure++
	s.mu.Unlock()
}

func (s *failoverStats) fail(err error) {
	s.failed.Add(1)
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.first.IsZero() {
		s.first = now
	}
	s.last, s.okSinceFailure = now, 0
	if len(s.firstErrs) < 5 {
		s.firstErrs = append(s.firstErrs, fmt.Errorf("%s %w", now.UTC().Format("15:04:05.000"), err))
	}
}

func (s *failoverStats) ack(id, status string) {
	s.mu.Lock()
	s.acks[id] = status
	s.mu.Unlock()
	if status == "confirmed" {
		s.confirmed.Add(1)
	} else {
		s.cancelled.Add(1)
	}
}

func (s *failoverStats) summary() failoverSummary {
	s.mu.Lock()
	defer s.mu.Unlock()
	unix := func(t time.Time) float64 {
		if t.IsZero() {
			return 0
		}
		return float64(t.UnixNano()) / 1e9
	}
	return failoverSummary{
		Requests: s.ok.Load() + s.failed.Load() + s.refused.Load(), Failed: s.failed.Load(), Refused: s.refused.Load(),
		Confirmed: s.confirmed.Load(), Cancelled: s.cancelled.Load(),
		FirstFailure: unix(s.first), LastFailure: unix(s.last), OKAfterLastFailure: s.okSinceFailure,
	}
}

func (s *failoverStats) writeAcks(file string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, len(s.acks))
	for id := range s.acks {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var b strings.Builder
	for _, id := range ids {
		fmt.Fprintf(&b, "%s\t%s\n", id, s.acks[id])
	}
	return os.WriteFile(file, []byte(b.String()), 0o600)
}

// rider books a seat, then cancels it, until stop; a booking it holds when stop comes stays.
func (s *failoverStats) rider(c *client, rideID, tok string, stop <-chan struct{}) {
	stopped := func() bool {
		select {
		case <-stop:
			return true
		default:
			return false
		}
	}
	for !stopped() {
		id, ok := s.book(c, rideID, tok, stopped)
		if !ok {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		if stopped() {
			return
		}
		s.cancel(c, id, tok, stopped)
	}
}

// book asks for one seat with one Idempotency-Key, retrying failed requests; it returns
// the booking the rider holds afterwards, if any.
func (s *failoverStats) book(c *client, rideID, tok string, stopped func() bool) (string, bool) {
	key := fmt.Sprintf("failover-%d-%d", time.Now().UnixNano(), keys.Add(1))
	for {
		var b booking
		status, err := c.doKey(http.MethodPost, "/rides/"+rideID+"/bookings", tok, key, map[string]any{"seats": 1}, &b)
		switch {
		case err == nil && status == http.StatusCreated:
			s.succeeded()
			s.ack(b.ID, b.Status)
			return b.ID, true
		case err == nil && status == http.StatusConflict:
			// Full, or this very request was carried out and its answer lost (a replica
			// died meanwhile): the rider's bookings tell which.
			if id, ok := s.held(c, rideID, tok); ok {
				s.succeeded()
				s.ack(id, "confirmed")
				return id, true
			}
			s.refused.Add(1)
			return "", false
		case err == nil && status < http.StatusInternalServerError:
			s.fail(fmt.Errorf("book: status %d", status))
			return "", false
		default:
			s.fail(fmt.Errorf("book: status %d: %v", status, err))
			if stopped() {
				// The outcome stays open; what the rider holds is read once more.
				if id, ok := s.held(c, rideID, tok); ok {
					s.ack(id, "confirmed")
				}
				return "", false
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}

// cancel cancels the booking, retrying failed requests until the server answers.
func (s *failoverStats) cancel(c *client, id, tok string, stopped func() bool) {
	for {
		status, err := c.doKey(http.MethodPost, "/bookings/"+id+"/cancel", tok, "", nil, nil)
		switch {
		case err == nil && status == http.StatusOK:
			s.succeeded()
			s.ack(id, "cancelled")
			return
		case err == nil && status == http.StatusConflict:
			// Cancelled already by a request whose answer was lost.
			s.succeeded()
			if st, ok := s.status(c, id, tok); ok {
				s.ack(id, st)
			}
			return
		default:
			s.fail(fmt.Errorf("cancel: status %d: %v", status, err))
			if stopped() {
				if st, ok := s.status(c, id, tok); ok {
					s.ack(id, st)
				}
				return
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}

// held returns the rider's active booking on the ride, as the server lists it.
func (s *failoverStats) held(c *client, rideID, tok string) (string, bool) {
	bs, _ := s.bookings(c, tok)
	for _, b := range bs {
		if b.RideID == rideID && b.Status == "confirmed" {
			return b.ID, true
		}
	}
	return "", false
}

// status returns a booking's status as the server tells it.
func (s *failoverStats) status(c *client, id, tok string) (string, bool) {
	for range 50 {
		var b booking
		if err := c.do(http.MethodGet, "/bookings/"+id, tok, nil, &b, http.StatusOK); err != nil {
			s.fail(err)
			time.Sleep(200 * time.Millisecond)
			continue
		}
		s.succeeded()
		return b.Status, true
	}
	return "", false
}

// bookings lists the rider's active bookings, retrying failed requests for a while.
func (s *failoverStats) bookings(c *client, tok string) ([]riderBooking, bool) {
	var mine struct {
		Items []riderBooking `json:"items"`
	}
	for range 50 {
		if err := c.do(http.MethodGet, "/bookings", tok, nil, &mine, http.StatusOK); err != nil {
			s.fail(err)
			time.Sleep(200 * time.Millisecond)
			continue
		}
		s.succeeded()
		return mine.Items, true
	}
	return nil, false
}

type riderBooking struct {
	ID     string `json:"id"`
	RideID string `json:"ride_id"`
	Status string `json:"status"`
}

// watchStop closes the channel when the file appears.
func watchStop(file string) <-chan struct{} {
	stop := make(chan struct{})
	go func() {
		for {
			if _, err := os.Stat(file); err == nil {
				close(stop)
				return
			}
			time.Sleep(200 * time.Millisecond)
		}
	}()
	return stop
}

package app

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// The memory of password hashes goes back to the OS once the last hash of a burst is
// done, and not while another runs.
func TestHashMemoryIsGivenBackAfterTheLastHash(t *testing.T) {
	returned := make(chan struct{}, 10)
	h := newHashSlots(2, time.Second, func() { returned <- struct{}{} }, time.Millisecond)
	ctx := context.Background()

	first, err := h.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	second, err := h.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	first()
	h.mu.Lock()
	armed := h.timer != nil
	h.mu.Unlock()
	if armed {
		t.Fatal("the memory return was armed while a hash still ran")
	}
	second()
	select {
	case <-returned:
	case <-time.After(10 * time.Second):
		t.Fatal("the memory was not given back after the last hash")
	}
}

// A return that comes due while a hash runs, or after a newer hash finished, does
// nothing: the running hash needs the memory, the newer one's own return follows.
func TestHashMemoryIsKeptWhileHashesRun(t *testing.T) {
	var returns atomic.Int32
	h := newHashSlots(2, time.Second, func() { returns.Add(1) }, time.Hour)
	ctx := context.Background()

	release, err := h.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	release()
	h.mu.Lock()
	seen := h.hashed
	h.mu.Unlock()

	running, err := h.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h.giveBackIfQuiet(seen)
	if n := returns.Load(); n != 0 {
		t.Fatalf("memory given back %d times while a hash ran", n)
	}
	running()
	h.giveBackIfQuiet(seen)
	if n := returns.Load(); n != 0 {
		t.Fatalf("a stale return gave memory back %d times after a newer hash", n)
	}
	h.mu.Lock()
	seen = h.hashed
	h.mu.Unlock()
	h.giveBackIfQuiet(seen)
	if n := returns.Load(); n != 1 {
		t.Fatalf("memory given back %d times once all was quiet, want 1", n)
	}
	h.mu.Lock()
	h.timer.Stop()
	h.mu.Unlock()
}

// Without a return function (tests, the default App) nothing is armed.
func TestHashMemoryReturnIsOffByDefault(t *testing.T) {
	h := newHashSlots(1, time.Second, nil, 0)
	release, err := h.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	release()
	if h.timer != nil {
		t.Fatal("a memory return was armed without a return function")
	}
}

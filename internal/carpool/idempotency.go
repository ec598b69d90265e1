package carpool

import (
	"context"
	"time"
)

// IdempotencyTTL is how long a finished request is remembered under its Idempotency-Key.
const IdempotencyTTL = 24 * time.Hour

// IdempotencyLease is how long a reservation that has no answer yet holds its key
// against retries. A replica that dies between reserving a key and recording the answer
// leaves its reservation behind; once the lease is over a retry with the same request
// takes the key over and runs the request itself. That cannot run it twice: a request's
// changes commit only in a transaction that proves its reservation still holds the key
// (WithIdempotencyClaim), so a first request that was only slow can no longer commit
// after a retry took over, and a key whose request committed is never taken over.
const IdempotencyLease = 30 * time.Second

// The Status of a record without an answer.
const (
	// IdempotencyInFlight: reserved, and the request has committed nothing yet.
	IdempotencyInFlight = 0
	// IdempotencyApplied: the request's change committed in the transaction that set
	// this; its answer is not recorded yet (or was lost with the replica).
	IdempotencyApplied = 1
)

// IdempotencyRecord remembers a creating request under the key its client chose, so a
// retry gets the first answer instead of creating twice. A Status below 100 means there
// is no answer yet (IdempotencyInFlight, IdempotencyApplied).
type IdempotencyRecord struct {
	Scope       string // the member id, or "" for unauthenticated requests such as sign-up
	Key         string
	RequestHash string // method, path and body of the first request: a key reused for another request is refused
	Status      int
	Location    string
	Body        []byte
	// CreatedAt is when the key was reserved; it also tells one reservation of a key
	// from a later one that took it over.
	CreatedAt time.Time
	// Unreserved marks a claim for a key no one holds yet: instead of a reservation of
	// its own (a transaction and a commit more on every creating request), the first
	// transaction that commits the request's change inserts the key, IdempotencyApplied,
	// and a retry running at the same time finds it there or waits for it.
	Unreserved bool
}

// Answered reports whether the record holds the answer to its request.
func (r IdempotencyRecord) Answered() bool { return r.Status >= 100 }

// ErrIdempotencyKeyHeld is what a transaction under a claim fails with when another
// request holds the key: it changed nothing.
var ErrIdempotencyKeyHeld = Errorf(ECONFLICT, "another request with this Idempotency-Key holds it; this request changed nothing")

// HeldCommit is the transaction of an idempotent request's change, kept open until the
// request's answer is known, so that the change, its key and its answer commit together:
// no crash can leave a change whose answer is lost, and the request costs one commit.
// The request's first write begins it; later writes run in it, each undone alone if it
// fails, as its own transaction would have been.
type HeldCommit interface {
	// Commit stores rec (the claim with its answer: Status, Location, Body) under its key
	// in the held transaction and commits. It reports false, having done nothing, when
	// the request wrote nothing; then the answer is stored with CompleteIdempotencyKey.
	// It fails with ErrIdempotencyKeyHeld, and nothing of the request commits, when
	// another request holds the key.
	Commit(ctx context.Context, rec IdempotencyRecord) (bool, error)
	// Rollback undoes whatever the held transaction holds; after Commit it does nothing.
	Rollback()
}

type idempotencyClaimKey struct{}

// WithIdempotencyClaim returns a context under which every transaction a store commits
// also checks, in that transaction, that the reservation rec (Scope, Key, CreatedAt as
// ReserveIdempotencyKey returned them) still holds its key, and marks it
// IdempotencyApplied. A transaction whose reservation was taken over fails with
// ECONFLICT and changes nothing. An Unreserved claim inserts the key instead, and fails
// the same way when another request holds it by then.
func WithIdempotencyClaim(ctx context.Context, rec IdempotencyRecord) context.Context {
	return context.WithValue(ctx, idempotencyClaimKey{}, rec)
}

// IdempotencyClaim returns the reservation WithIdempotencyClaim put in ctx.
func IdempotencyClaim(ctx context.Context) (IdempotencyRecord, bool) {
	rec, ok := ctx.Value(idempotencyClaimKey{}).(IdempotencyRecord)
	return rec, ok
}

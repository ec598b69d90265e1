package carpool

import "time"

// IdempotencyTTL is how long a finished request is remembered under its Idempotency-Key.
const IdempotencyTTL = 24 * time.Hour

// IdempotencyRecord remembers a creating request under the key its client chose, so a
// retry gets the first answer instead of creating twice. Status 0 means the first request
// is still running.
type IdempotencyRecord struct {
	Scope       string // the member id, or "" for unauthenticated requests such as sign-up
	Key         string
	RequestHash string // method, path and body of the first request: a key reused for another request is refused
	Status      int
	Location    string
	Body        []byte
	CreatedAt   time.Time
}

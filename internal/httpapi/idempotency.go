package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"time"

	"carpool/internal/carpool"
)

// maxIdempotencyKey is the longest Idempotency-Key accepted.
const maxIdempotencyKey = 255

// idempotent makes a creating POST safe to retry. With an Idempotency-Key header the
// first request's answer is stored under (caller, key) and a retry gets it again, with
// Idempotent-Replayed: true, instead of creating twice. A retry while the first request
// still runs gets 409; the same key with another method, path or body gets 422. Answers
// with a 5xx status are not kept, so the client can retry them. Token creation is not
// wrapped: a stored answer would keep a live secret.
//
// A replica can die between committing the change and recording the answer. The
// handler runs under carpool.WithIdempotencyClaim, so the transaction that commits its
// change also holds the key (inserts it, or marks its reservation applied), or fails if
// another request holds it. After
// carpool.IdempotencyLease a retry of the same request therefore either takes over a key
// whose request changed nothing and runs it, or learns that the request was carried out
// and its answer lost (409 idempotency_answer_lost); never does a request run twice, and
// no key stays stuck for the whole IdempotencyTTL.
func (s *Server) idempotent(h handler) handler { return s.idempotentCommits(h, false) }

// idempotentInOneCommit is idempotent for a handler whose change is one commit with its
// answer (carpool.HeldCommit): the key, the change and the answer commit together, and
// the answer leaves only after that commit. Only for handlers that write through the use
// case and render what it returned: a read of their own change would not see it before
// the commit.
func (s *Server) idempotentInOneCommit(h handler) handler { return s.idempotentCommits(h, true) }

func (s *Server) idempotentCommits(h handler, oneCommit bool) handler {
	return func(w http.ResponseWriter, r *http.Request, me carpool.Member) error {
		key := r.Header.Get("Idempotency-Key")
		if key == "" {
			return h(w, r, me)
		}
		if len(key) > maxIdempotencyKey || !printable(key) {
			return badRequest("idempotency_key", "Idempotency-Key must be 1 to 255 printable ASCII characters")
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
		if err != nil {
			return s.decodeError(err)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))

		sum := sha256.New()
		sum.Write([]byte(r.Method + " " + r.URL.Path + "\n"))
		sum.Write(body)
		rec := carpool.IdempotencyRecord{
			Scope: me.ID, Key: key, RequestHash: hex.EncodeToString(sum.Sum(nil)), CreatedAt: s.now(),
		}
		// A key no one holds is not reserved ahead: the transaction that commits the
		// change inserts it (carpool.IdempotencyRecord.Unreserved), which spares every
		// creating request a transaction of its own. A key that is held is answered from
		// its record, or taken over once its lease is over, as the reservation decides.
		stored, exists, err := s.idem.IdempotencyKey(r.Context(), rec.Scope, rec.Key)
		if err != nil {
			return err
		}
		rec.Unreserved = !exists
		if exists {
			if stored, exists, err = s.idem.ReserveIdempotencyKey(r.Context(), rec); err != nil {
				return err
			}
			if exists {
				return replay(w, r, stored, rec.RequestHash, s.now())
			}
			rec = stored // its CreatedAt tells this reservation from a later takeover
		}

		rw := &recorder{ResponseWriter: w}
		// The key must not stay reserved if the handler panics or the client goes away:
		// whatever happens, it is completed or released below, on a context that outlives
		// the request's.
		ctx := context.WithoutCancel(r.Context())
		done := false
		defer func() {
			if !done {
				_ = s.idem.ReleaseIdempotencyKey(ctx, rec)
			}
		}()
		hctx := carpool.WithIdempotencyClaim(r.Context(), rec)
		var held carpool.HeldCommit
		if oneCommit && rec.Unreserved {
			hctx, held = s.idem.HoldCommit(hctx, rec)
			rw.held = http.Header{}
			defer rw.flush()      // second: the answer leaves
			defer held.Rollback() // first: whatever did not commit is undone
		}
		if err := h(rw, r.WithContext(hctx), me); err != nil {
			if rec.Unreserved && errors.Is(err, carpool.ErrIdempotencyKeyHeld) && rw.status == 0 {
				// The same request, sent again at once, took the key first: answer as
				// a retry arriving a moment later would be answered.
				done = true // nothing of this request's to release
				held, exists, rerr := s.idem.IdempotencyKey(ctx, rec.Scope, rec.Key)
				if rerr != nil || !exists {
					return errors.Join(err, rerr)
				}
				return replay(w, r, held, rec.RequestHash, s.now())
			}
			s.fail(rw, r, err)
		}
		if rw.status == 0 || rw.status >= http.StatusInternalServerError {
			return nil // the deferred release (and rollback) lets the client retry
		}
		rec.Status, rec.Location, rec.Body = rw.status, rw.Header().Get("Location"), rw.body.Bytes()
		if held != nil {
			committed, err := held.Commit(ctx, rec)
			if errors.Is(err, carpool.ErrIdempotencyKeyHeld) {
				// The same request, sent again at once, committed first; this one's
				// answer is thrown away and the retry's answer given.
				rw.discard()
				done = true
				stored, exists, rerr := s.idem.IdempotencyKey(ctx, rec.Scope, rec.Key)
				if rerr != nil || !exists {
					return errors.Join(err, rerr)
				}
				return replay(w, r, stored, rec.RequestHash, s.now())
			}
			if err != nil {
				rw.discard() // nothing committed: the client may retry
				return err
			}
			if committed {
				done = true
				return nil
			}
			// The request wrote nothing (a refusal): its answer is stored alone.
		}
		if err := s.idem.CompleteIdempotencyKey(ctx, rec); err != nil {
			if held != nil && carpool.ErrorCode(err) == carpool.ECONFLICT {
				// A retry of this request committed first and this one was refused for
				// what the retry did (a seat already booked): give the retry's answer.
				if stored, exists, rerr := s.idem.IdempotencyKey(ctx, rec.Scope, rec.Key); rerr == nil && exists {
					rw.discard()
					done = true
					return replay(w, r, stored, rec.RequestHash, s.now())
				}
			}
			// The answer is already on its way; a retry finds the key applied without
			// an answer (or, if the request changed nothing, takes it over after the
			// lease). An unreserved request that met another one holding the key
			// changed nothing and was told so: that is no failure of ours.
			if !rec.Unreserved || carpool.ErrorCode(err) != carpool.ECONFLICT {
				s.log.ErrorContext(ctx, "store idempotent answer", "key", key, "err", err)
			}
			return nil
		}
		done = true
		return nil
	}
}

func replay(w http.ResponseWriter, r *http.Request, rec carpool.IdempotencyRecord, hash string, now time.Time) error {
	if !rec.Answered() {
		if rec.Status == carpool.IdempotencyApplied && now.Sub(rec.CreatedAt) >= carpool.IdempotencyLease {
			return &requestError{status: http.StatusConflict, code: "idempotency_answer_lost", field: "idempotency_key",
				msg: "the request with this Idempotency-Key was carried out, but its answer was lost; look up its result instead of retrying"}
		}
		return &requestError{status: http.StatusConflict, code: "idempotency_in_flight", field: "idempotency_key",
			msg: "a request with this Idempotency-Key is still being processed; retry later"}
	}
	if rec.RequestHash != hash {
		return &requestError{status: http.StatusUnprocessableEntity, code: "idempotency_key_reused", field: "idempotency_key",
			msg: "this Idempotency-Key was used for a different request"}
	}
	h := w.Header()
	if rec.Location != "" {
		h.Set("Location", rec.Location)
	}
	ct := "application/json"
	if rec.Status >= http.StatusBadRequest {
		ct = "application/problem+json"
	}
	h.Set("Content-Type", ct)
	h.Set("Idempotent-Replayed", "true")
	w.WriteHeader(rec.Status)
	_, _ = w.Write(rec.Body)
	return nil
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// recorder passes an answer through and keeps a copy of its status and body. With held
// set it keeps the answer back (headers in held) until flush, after the commit.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
	held   http.Header
}

func (rw *recorder) Header() http.Header {
	if rw.held != nil {
		return rw.held
	}
	return rw.ResponseWriter.Header()
}

func (rw *recorder) WriteHeader(status int) {
	if rw.status == 0 {
		rw.status = status
	}
	if rw.held == nil {
		rw.ResponseWriter.WriteHeader(status)
	}
}

func (rw *recorder) Write(b []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	rw.body.Write(b)
	if rw.held != nil {
		return len(b), nil
	}
	return rw.ResponseWriter.Write(b)
}

// flush sends a held answer.
func (rw *recorder) flush() {
	if rw.held == nil || rw.status == 0 {
		return
	}
	h := rw.ResponseWriter.Header()
	for k, v := range rw.held {
		h[k] = v
	}
	rw.ResponseWriter.WriteHeader(rw.status)
	_, _ = rw.ResponseWriter.Write(rw.body.Bytes())
	rw.held, rw.status = nil, 0
}

// discard forgets a held answer that will not be sent.
func (rw *recorder) discard() {
	rw.held, rw.status = nil, 0
	rw.body.Reset()
}

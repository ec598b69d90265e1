package telemetry

import (
	"net/http"
)

// recorder wraps a ResponseWriter to learn the status and size of the response. Unwrap
// lets http.ResponseController reach the connection (flush, deadlines) through it.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 && status >= 200 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Flush keeps streaming responses streaming.
func (r *recorder) Flush() {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	_ = http.NewResponseController(r.ResponseWriter).Flush()
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// wroteHeader reports whether the response has started, so nothing else can be sent.
func (r *recorder) wroteHeader() bool { return r.status != 0 }

// code returns the status sent, 200 if the handler sent nothing (net/http does so).
func (r *recorder) code() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}

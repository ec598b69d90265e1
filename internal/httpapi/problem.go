package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/locale"
)

// problemTypeBase prefixes a problem's code to make its RFC 9457 type URI.
const problemTypeBase = "urn:carpool:problem:"

// problem is an RFC 9457 problem details object. Code repeats the last part of Type for
// clients that switch on a plain string; Field names the (first) offending input when
// there is one, and Errors lists every offending input, so a client can mark all wrong
// fields of a form from one answer.
type problem struct {
	Type   string       `json:"type"`
	Title  string       `json:"title"`
	Status int          `json:"status"`
	Detail string       `json:"detail,omitempty"`
	Code   string       `json:"code"`
	Field  string       `json:"field,omitempty"`
	Errors []fieldError `json:"errors,omitempty"`
}

type fieldError struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
	// Message repeats Detail under the name the first API version used.
	Message string `json:"message"`
}

// requestError is a failure of the HTTP exchange itself (malformed body, wrong media
// type, idempotency misuse) that has no domain code of its own status.
type requestError struct {
	status int
	code   string
	field  string
	msg    string
}

func (e *requestError) Error() string { return e.msg }

func badRequest(field, msg string) error {
	return &requestError{status: http.StatusBadRequest, code: "malformed", field: field, msg: msg}
}

// fail answers with the problem that err stands for. Internal errors are logged here,
// once, and reach the client only as "internal error".
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	p := problem{Detail: carpool.ErrorMessage(err), Code: carpool.ErrorCode(err), Field: carpool.ErrorField(err)}
	var re *requestError
	if errors.As(err, &re) {
		p.Status, p.Code, p.Field, p.Detail = re.status, re.code, re.field, re.msg
	} else {
		p.Status = app.HTTPStatus(err)
	}
	if after := carpool.RetryAfter(err); after > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((after+time.Second-1)/time.Second)))
	}
	if p.Status >= http.StatusInternalServerError && p.Code != carpool.EUNAVAILABLE {
		s.log.ErrorContext(r.Context(), "api request failed",
			"method", r.Method, "path", r.URL.Path, "err", err)
		p.Code, p.Field, p.Detail = carpool.EINTERNAL, "", "internal error"
	}
	w.Header().Add("Vary", "Accept-Language")
	if p.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="carpool"`)
	}
	p.Type = problemTypeBase + p.Code
	p.Title = problemTitle(r, p.Status)
	switch fields := carpool.ErrorFields(err); {
	case re == nil && p.Field != "" && len(fields) > 0:
		for _, f := range fields {
			p.Errors = append(p.Errors, fieldError{Field: f.Field, Detail: f.Message, Message: f.Message})
		}
	case p.Field != "":
		p.Errors = []fieldError{{Field: p.Field, Detail: p.Detail, Message: p.Detail}}
	}
	writeBody(w, r, p.Status, "application/problem+json", p)
}

// problemTitle names the status in the language the client's Accept-Language asks for
// (English without one). Only the title follows the header: the detail stays English,
// the language of the API's field names and of the logs that people search for it.
func problemTitle(r *http.Request, status int) string {
	accept := r.Header.Get("Accept-Language")
	if accept == "" {
		return http.StatusText(status)
	}
	id := "http." + strconv.Itoa(status)
	if t := locale.For(locale.Negotiate(locale.Default, accept)).T(id); t != id {
		return t
	}
	return http.StatusText(status)
}

// writeJSON answers with v as JSON.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) error {
	writeBody(w, r, status, "application/json", v)
	return nil
}

func writeBody(w http.ResponseWriter, r *http.Request, status int, contentType string, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Every response type is a plain struct of strings, numbers and times.
		status, body = http.StatusInternalServerError, []byte(`{"type":"urn:carpool:problem:internal","title":"Internal Server Error","status":500,"code":"internal","detail":"internal error"}`)
		contentType = "application/problem+json"
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(append(body, '\n'))
	}
}

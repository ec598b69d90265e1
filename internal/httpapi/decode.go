package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"carpool/internal/carpool"
)

// decode reads r's JSON body into dst strictly: the media type must be JSON, the body at
// most the server's limit, every field known and of the right type, and nothing may
// follow the one JSON value. Failures name the field when the decoder tells it.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return &requestError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type",
				msg: "the request body must be application/json"}
		}
	} else {
		return &requestError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type",
			msg: "Content-Type: application/json is required"}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, s.maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return s.decodeError(err)
	}
	if err := dec.Decode(&json.RawMessage{}); !errors.Is(err, io.EOF) {
		if err != nil {
			if tooLarge := s.decodeError(err); isStatus(tooLarge, http.StatusRequestEntityTooLarge) {
				return tooLarge
			}
		}
		return badRequest("", "the body must hold exactly one JSON value")
	}
	return nil
}

func (s *Server) decodeError(err error) error {
	var (
		maxErr    *http.MaxBytesError
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &maxErr):
		return &requestError{status: http.StatusRequestEntityTooLarge, code: "too_large",
			msg: fmt.Sprintf("the request body must not exceed %d bytes", s.maxBody)}
	case errors.Is(err, io.EOF):
		return badRequest("", "the request body is empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("", "the request body is not complete JSON")
	case errors.As(err, &syntaxErr):
		return badRequest("", fmt.Sprintf("malformed JSON at byte %d: %v", syntaxErr.Offset, syntaxErr))
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return badRequest("", "the request body must be a JSON object")
		}
		return badRequest(field, fmt.Sprintf("%s must be a JSON %s", field, jsonKind(typeErr.Type.Kind().String())))
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return badRequest(name, fmt.Sprintf("unknown field %q", name))
	}
	var te *time.ParseError
	if errors.As(err, &te) {
		return badRequest("", "times must be RFC 3339, like 2026-01-02T15:04:05Z")
	}
	return badRequest("", "malformed JSON body: "+err.Error())
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "int", "int64", "int32", "float64", "float32":
		return "number"
	case "slice", "array":
		return "array"
	default:
		return "object"
	}
}

func isStatus(err error, status int) bool {
	var re *requestError
	return errors.As(err, &re) && re.status == status
}

// parseTime reads an RFC 3339 time from a request field; "" is the zero time, which the
// domain reports as missing where a time is required.
func parseTime(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, carpool.FieldErrorf(carpool.EINVALID, field, "%s must be an RFC 3339 time like 2026-01-02T15:04:05Z", field)
	}
	return t.UTC(), nil
}

// required reports a missing required value, for the fields whose zero value is valid.
func required(field string) error {
	return carpool.FieldErrorf(carpool.EINVALID, field, "%s is required", field)
}

// timestamp formats a time as the API writes every time: RFC 3339 in UTC.
func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

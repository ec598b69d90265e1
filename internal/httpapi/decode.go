package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"time"

	"carpool/internal/carpool"
)

// decode reads r's JSON body into dst strictly: the media type must be JSON, the body at
// most the server's limit, every field known by its exact name, no key twice in an
// object, every value of the right type, and nothing may follow the one JSON value.
// Failures name the field when the decoder tells it.
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
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		return s.decodeError(err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return s.decodeError(err)
	}
	// encoding/json matches field names case-insensitively and lets the last of
	// duplicate keys win, so a proxy that checks a body and this server could read
	// different values from it. A body it accepted is walked again for both.
	if err := checkKeys(json.NewDecoder(bytes.NewReader(body)), reflect.TypeOf(dst), ""); err != nil {
		return err
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

// checkKeys walks the next JSON value of dec alongside the Go type t it will be decoded
// into and refuses (400, naming the field by its path) an object key that appears twice
// or that is not exactly the name of a field of t. Syntax errors are left to the decoder
// that follows, which words them for the client.
func checkKeys(dec *json.Decoder, t reflect.Type, path string) error {
	tok, err := dec.Token()
	if err != nil {
		return nil
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && (t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType)) {
		t = nil // the type reads its own JSON: check only for duplicates below
	}
	switch tok {
	case json.Delim('{'):
		fields := jsonFields(t)
		seen := map[string]bool{}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return nil
			}
			key, _ := tok.(string)
			name := key
			if path != "" {
				name = path + "." + key
			}
			if seen[key] {
				return badRequest(name, fmt.Sprintf("duplicate field %q", name))
			}
			seen[key] = true
			var ft reflect.Type
			switch {
			case t != nil && t.Kind() == reflect.Struct:
				var ok bool
				if ft, ok = fields[key]; !ok {
					return badRequest(name, fmt.Sprintf("unknown field %q", name))
				}
			case t != nil && t.Kind() == reflect.Map:
				ft = t.Elem()
			}
			if err := checkKeys(dec, ft, name); err != nil {
				return err
			}
		}
		_, _ = dec.Token() // the closing brace
	case json.Delim('['):
		var et reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			et = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if err := checkKeys(dec, et, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		_, _ = dec.Token() // the closing bracket
	}
	return nil
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// jsonFields maps the exact JSON names of a struct's fields to their types, as
// encoding/json names them (tag name, else the Go name; embedded structs flattened).
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			for k, v := range jsonFields(ft) {
				if _, ok := out[k]; !ok {
					out[k] = v
				}
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
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
		return time.Time{}, carpool.FieldErrorf(carpool.EINVALID, field, "%s must be an RFC 3339 time like 2026-01-02T15:04:05Z", carpool.FieldName(field))
	}
	return t.UTC(), nil
}

// required reports a missing required value, for the fields whose zero value is valid.
func required(field string) error {
	return carpool.FieldErrorf(carpool.EINVALID, field, "%s is required", carpool.FieldName(field))
}

// timestamp formats a time as the API writes every time: RFC 3339 in UTC.
func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

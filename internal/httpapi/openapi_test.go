package httpapi_test

import (
	"bytes"
	"testing"

	"carpool/api"
)

func TestOpenAPIServed(t *testing.T) {
	e := newEnv(t, envOptions{})
	res := e.do(t, call{method: "GET", path: "/api/openapi.yaml"}).want(t, 200)
	if ct := res.header.Get("Content-Type"); ct != "application/yaml" {
		t.Errorf("Content-Type: got %q, want application/yaml", ct)
	}
	if !bytes.Equal(res.body, api.OpenAPI) {
		t.Errorf("served description differs from api/openapi.yaml")
	}
	doc := loadSpec(t)
	if n := doc.Paths.Len(); n < 20 {
		t.Errorf("paths: got %d, want every path of the API", n)
	}
}

// TestOpenAPIConditionalGet: the description carries an ETag; asking again with it costs
// a 304, and an If-Match naming another version is refused with 412.
func TestOpenAPIConditionalGet(t *testing.T) {
	e := newEnv(t, envOptions{})
	etag := e.do(t, call{method: "GET", path: "/api/openapi.yaml"}).want(t, 200).header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag on /api/openapi.yaml")
	}
	res := e.do(t, call{method: "GET", path: "/api/openapi.yaml", header: map[string]string{"If-None-Match": etag}}).want(t, 304)
	if len(res.body) != 0 {
		t.Errorf("304 with a body of %d bytes, want none", len(res.body))
	}
	e.do(t, call{method: "GET", path: "/api/openapi.yaml", header: map[string]string{"If-None-Match": `"another"`}}).want(t, 200)
	e.do(t, call{method: "GET", path: "/api/openapi.yaml", header: map[string]string{"If-Match": `"another"`}}).want(t, 412)
	e.do(t, call{method: "GET", path: "/api/openapi.yaml", header: map[string]string{"If-Match": etag}}).want(t, 200)
}

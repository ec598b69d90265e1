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

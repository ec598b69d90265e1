package partnerapi_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"carpool/api"
)

// specRouter finds operations of api/standard-covoiturage.yaml, which is checked once
// to be valid OpenAPI.
var specRouter = sync.OnceValues(func() (routers.Router, error) {
	doc, err := openapi3.NewLoader().LoadFromData(api.StandardCovoiturage)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, err
	}
	doc.Servers = openapi3.Servers{{URL: "/standard-covoiturage"}}
	return legacy.NewRouter(doc)
})

// checkSpec fails t unless the answer a to req is one api/standard-covoiturage.yaml
// describes; a path it does not describe must answer 404.
func checkSpec(t *testing.T, req *http.Request, a answer) {
	t.Helper()
	router, err := specRouter()
	if err != nil {
		t.Fatalf("api/standard-covoiturage.yaml: %v", err)
	}
	probe := req.Clone(context.Background())
	probe.URL.Scheme, probe.URL.Host, probe.Host = "", "", ""
	route, params, err := router.FindRoute(probe)
	if err != nil {
		if a.status != http.StatusNotFound {
			t.Errorf("%s %s answered %d but is not in api/standard-covoiturage.yaml: %v", req.Method, req.URL.Path, a.status, err)
		}
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: probe, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: a.status, Header: a.header,
		Body: io.NopCloser(bytes.NewReader(a.body)), Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("%s %s answered %d %s, not as api/standard-covoiturage.yaml says: %v", req.Method, req.URL, a.status, a.body, err)
	}
}

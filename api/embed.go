// Package api holds the OpenAPI description of the carpool REST API, embedded so the
// binary serves the very file that the API tests check every request and response against.
package api

import _ "embed"

// OpenAPI is the OpenAPI 3 description of the REST API v1 (api/openapi.yaml).
//
//go:embed openapi.yaml
var OpenAPI []byte

// StandardCovoiturage describes the partner API under /standard-covoiturage/
// (api/standard-covoiturage.yaml).
//
//go:embed standard-covoiturage.yaml
var StandardCovoiturage []byte

package httpapi_test

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"carpool/api"
	"carpool/internal/pgtest"
)

// TestMain runs the tests and then, when the whole suite ran, fails if some status code
// that openapi.yaml documents for an operation was never seen in a validated answer: a
// documented answer that no test produces is either untested or untrue.
func TestMain(m *testing.M) {
	flag.Parse()
	code := pgtest.Main(m) // runs the tests, then stops a PostgreSQL that one started
	if code == 0 && flag.Lookup("test.run").Value.String() == "" && !testing.Short() {
		if missing := unseenStatuses(); len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: documented responses no test produced (%d):\n", len(missing))
			for _, m := range missing {
				fmt.Fprintln(os.Stderr, "  ", m)
			}
			code = 1
		}
	}
	os.Exit(code)
}

func unseenStatuses() []string {
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
	if err != nil {
		return []string{"load openapi.yaml: " + err.Error()}
	}
	coverage.Lock()
	defer coverage.Unlock()
	var missing []string
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			for status := range op.Responses.Map() {
				if status == "500" {
					continue // any operation may fail inside; TestInternalError covers one
				}
				if key := op.OperationID + " " + status; !coverage.seen[key] {
					missing = append(missing, key)
				}
			}
		}
	}
	sort.Strings(missing)
	return missing
}

package partnerapi_test

import (
	"bufio"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
)

// field is one line of testdata/driver_journey_fields.txt.
type field struct {
	typ      string
	required bool
	enum     []string
}

// loadFields reads the standard's field list kept beside the tests (its source is named
// in the file).
func loadFields(t *testing.T) map[string]field {
	t.Helper()
	f, err := os.Open("testdata/driver_journey_fields.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]field{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Fields(line)
		if len(parts) < 3 {
			t.Fatalf("bad field line %q", line)
		}
		fl := field{typ: parts[1], required: parts[2] == "required"}
		if len(parts) > 3 {
			fl.enum = strings.Split(parts[3], "|")
		}
		out[parts[0]] = fl
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkJourney fails t unless j (a decoded JSON object) is a DriverJourney of the
// standard: every field known with its type and enum, every required one present.
func checkJourney(t *testing.T, fields map[string]field, j map[string]any) {
	t.Helper()
	check := func(prefix string, obj map[string]any) {
		for k, v := range obj {
			name := prefix + k
			f, ok := fields[name]
			if !ok {
				t.Errorf("field %s is not in the standard", name)
				continue
			}
			if !hasType(v, f.typ) {
				t.Errorf("field %s = %v (%T), want %s", name, v, v, f.typ)
			}
			if f.enum != nil && !slices.Contains(f.enum, v.(string)) {
				t.Errorf("field %s = %v, want one of %v", name, v, f.enum)
			}
		}
	}
	check("", j)
	for _, nested := range []string{"driver", "price"} {
		if obj, ok := j[nested].(map[string]any); ok {
			check(nested+".", obj)
		}
	}
	for name, f := range fields {
		if !f.required {
			continue
		}
		obj, key := j, name
		if i := strings.IndexByte(name, '.'); i > 0 {
			parent, _ := j[name[:i]].(map[string]any)
			if parent == nil {
				if fields[name[:i]].required {
					t.Errorf("required %s missing (no %s)", name, name[:i])
				}
				continue
			}
			obj, key = parent, name[i+1:]
		}
		if _, ok := obj[key]; !ok {
			t.Errorf("required field %s missing", name)
		}
	}
}

func hasType(v any, typ string) bool {
	switch typ {
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		n, ok := v.(float64)
		return ok && n == math.Trunc(n)
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	}
	return false
}

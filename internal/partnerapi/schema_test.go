package partnerapi_test

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// field is one line of a field list in testdata.
type field struct {
	typ      string
	required bool
	enum     []string
	format   string
}

// loadFields reads one of the standard's field lists kept beside the tests (each names
// its source): driver_journey_fields.txt or driver_regular_trip_fields.txt.
func loadFields(t *testing.T, name string) map[string]field {
	t.Helper()
	f, err := os.Open("testdata/" + name)
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
			if format, ok := strings.CutPrefix(parts[3], "format:"); ok {
				fl.format = format
			} else {
				fl.enum = strings.Split(parts[3], "|")
			}
		}
		out[parts[0]] = fl
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// reporter is the part of testing.T the checker uses, so a test can check the checker.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
}

// record is a reporter that keeps what it is told.
type record struct{ errs []string }

func (r *record) Helper() {}
func (r *record) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

var formats = map[string]*regexp.Regexp{
	// RFC 3339 partial-time: hh:mm:ss with optional fraction.
	"partial-time": regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?$`),
}

// checkObject fails t unless obj (a decoded JSON object) is what the field list says:
// every field known with its type, enum and format, every required one present, in
// nested objects and in the objects of arrays too ("a.b", "a[].b").
func checkObject(t reporter, fields map[string]field, obj map[string]any) {
	t.Helper()
	checkAt(t, fields, "", obj)
}

func checkAt(t reporter, fields map[string]field, prefix string, obj map[string]any) {
	t.Helper()
	for k, v := range obj {
		name := prefix + k
		f, ok := fields[name]
		if !ok {
			t.Errorf("field %s is not in the standard", name)
			continue
		}
		if !hasType(v, f.typ) {
			t.Errorf("field %s = %v (%T), want %s", name, v, v, f.typ)
			continue
		}
		if f.enum != nil && !slices.Contains(f.enum, v.(string)) {
			t.Errorf("field %s = %v, want one of %v", name, v, f.enum)
		}
		if f.format != "" && !formats[f.format].MatchString(v.(string)) {
			t.Errorf("field %s = %q, want format %s", name, v, f.format)
		}
		switch x := v.(type) {
		case map[string]any:
			checkAt(t, fields, name+".", x)
		case []any:
			for _, item := range x {
				o, ok := item.(map[string]any)
				if !ok {
					t.Errorf("field %s holds %v (%T), want objects", name, item, item)
					continue
				}
				checkAt(t, fields, name+"[].", o)
			}
		}
	}
	// Required fields of this level: names that extend prefix by one key.
	for name, f := range fields {
		rest, ok := strings.CutPrefix(name, prefix)
		if !ok || !f.required || strings.ContainsAny(rest, ".[") {
			continue
		}
		if _, ok := obj[rest]; !ok {
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
	case "array":
		_, ok := v.([]any)
		return ok
	}
	return false
}

// TestCheckObjectCatches: the checker itself fails on what it must refuse, so a passing
// schema test means something.
func TestCheckObjectCatches(t *testing.T) {
	fields := loadFields(t, "driver_regular_trip_fields.txt")
	good := func() map[string]any {
		return map[string]any{
			"operator": "carpool.example.com", "passengerPickupLat": 1.0, "passengerPickupLng": 1.0,
			"passengerDropLat": 1.0, "passengerDropLng": 1.0, "duration": 60.0,
			"driver": map[string]any{"id": "d", "operator": "o", "alias": "d"},
			"schedules": []any{map[string]any{"passengerPickupDay": "MON", "passengerPickupTimeOfDay": "07:30:00",
				"journeySchedules": []any{map[string]any{"passengerPickupDate": 1.0, "type": "PLANNED"}}}},
		}
	}
	for _, c := range []struct {
		name  string
		spoil func(map[string]any)
	}{
		{"unknown field", func(o map[string]any) { o["driverName"] = "Ada" }},
		{"missing required", func(o map[string]any) { delete(o, "operator") }},
		{"wrong type", func(o map[string]any) { o["duration"] = 1.5 }},
		{"nested unknown", func(o map[string]any) { o["driver"].(map[string]any)["email"] = "a@b" }},
		{"nested missing", func(o map[string]any) { delete(o["driver"].(map[string]any), "alias") }},
		{"bad enum in array", func(o map[string]any) { o["schedules"].([]any)[0].(map[string]any)["passengerPickupDay"] = "mon" }},
		{"bad format", func(o map[string]any) {
			o["schedules"].([]any)[0].(map[string]any)["passengerPickupTimeOfDay"] = "7:30"
		}},
		{"missing in nested array", func(o map[string]any) {
			delete(o["schedules"].([]any)[0].(map[string]any)["journeySchedules"].([]any)[0].(map[string]any), "type")
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var probe record
			checkObject(&probe, fields, good())
			if len(probe.errs) > 0 {
				t.Fatalf("the good object fails: %v", probe.errs)
			}
			o := good()
			c.spoil(o)
			probe = record{}
			checkObject(&probe, fields, o)
			if len(probe.errs) == 0 {
				t.Errorf("%v passes", o)
			}
		})
	}
}

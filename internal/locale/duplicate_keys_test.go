package locale_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestCataloguesHoldEachKeyOnce: JSON keeps the last of two equal keys without a word,
// so a text written twice (a merge keeping both sides) would silently lose one; every
// catalogue file must name each key once.
func TestCataloguesHoldEachKeyOnce(t *testing.T) {
	files, err := filepath.Glob("catalog/*.json")
	if err != nil {
		t.Fatal(err)
	}
	more, err := filepath.Glob("catalog/errors/*.json")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, more...)
	if len(files) < 3 {
		t.Fatalf("found %d catalogue files, want en, de and the error catalogue", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range duplicateTopKeys(t, f, b) {
			t.Errorf("%s: key %q appears more than once", f, key)
		}
	}
}

// duplicateTopKeys returns the keys of the top-level object that appear more than once.
func duplicateTopKeys(t *testing.T, name string, b []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(b))
	seen := map[string]bool{}
	var dups []string
	depth := 0
	expectKey := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return dups
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		switch v := tok.(type) {
		case json.Delim:
			if v == '{' || v == '[' {
				depth++
				expectKey = v == '{' && depth == 1
			} else {
				depth--
				expectKey = depth == 1
			}
			continue
		case string:
			if depth == 1 && expectKey {
				if seen[v] {
					dups = append(dups, v)
				}
				seen[v] = true
				expectKey = false
				continue
			}
		}
		if depth == 1 {
			expectKey = true
		}
	}
}

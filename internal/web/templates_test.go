package web

import (
	"io/fs"
	"path"
	"strings"
	"testing"
)

// Pages are parsed on first render, so a template that no longer parses must fail here
// rather than on the first visitor of that page.
func TestTemplatesParse(t *testing.T) {
	parsed, err := parsePages()
	if err != nil {
		t.Fatal(err)
	}
	files, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		tmpl, ok := parsed[name]
		if !ok {
			t.Errorf("page %s is missing from the parsed set", name)
			continue
		}
		for _, want := range []string{"layout", "content"} {
			if tmpl.Lookup(want) == nil {
				t.Errorf("page %s has no template %q", name, want)
			}
		}
	}
	if len(parsed) < 10 {
		t.Errorf("parsed %d pages, want every page of templates/", len(parsed))
	}
}

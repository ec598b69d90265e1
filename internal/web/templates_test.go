package web

import (
	"html/template"
	"io/fs"
	"path"
	"strings"
	"sync"
	"testing"
	"time"

	"carpool/internal/locale"
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

// Pages are made per language on first render, possibly by many requests at once: the
// race detector checks the lazy set, and every request gets the same page.
func TestPagesMadeOnceUnderConcurrency(t *testing.T) {
	p := pagesFor()
	const n = 16
	got := make(chan *template.Template, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			tmpl, err := p.page(locale.Default, time.UTC, "reports")
			if err != nil || tmpl == nil {
				t.Errorf("page reports: %v, %v", tmpl, err)
			}
			got <- tmpl
		})
	}
	wg.Wait()
	close(got)
	first := <-got
	for tmpl := range got {
		if tmpl != first {
			t.Fatal("two requests got different copies of one page")
		}
	}
	if tmpl, err := p.page(locale.Default, time.UTC, "no such page"); tmpl != nil || err != nil {
		t.Errorf("unknown page: got %v, %v, want nil, nil", tmpl, err)
	}
}

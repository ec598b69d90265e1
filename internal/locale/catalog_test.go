package locale_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"testing"

	"carpool/internal/locale"
)

// catalogue reads one language's messages: id → text, or id → plural forms.
func catalogues(t *testing.T) map[string]map[string]any {
	t.Helper()
	files, err := locale.Catalogues()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for code, b := range files {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("catalogue %s: %v", code, err)
		}
		out[code] = m
	}
	return out
}

// TestCataloguesHaveTheSameIDs fails when a text exists in one language but not in
// another, so no page, mail or notification falls back to English unnoticed.
func TestCataloguesHaveTheSameIDs(t *testing.T) {
	cats := catalogues(t)
	for _, tag := range locale.Supported {
		if _, ok := cats[locale.Code(tag)]; !ok {
			t.Fatalf("no catalogue for supported language %s", tag)
		}
	}
	en := cats["en"]
	for code, cat := range cats {
		if code == "en" {
			continue
		}
		var missing, extra []string
		for id := range en {
			if _, ok := cat[id]; !ok {
				missing = append(missing, id)
			}
		}
		for id := range cat {
			if _, ok := en[id]; !ok {
				extra = append(extra, id)
			}
		}
		sort.Strings(missing)
		sort.Strings(extra)
		if len(missing) > 0 {
			t.Errorf("catalogue %s lacks %d ids that en has: %v", code, len(missing), missing)
		}
		if len(extra) > 0 {
			t.Errorf("catalogue %s has %d ids that en lacks: %v", code, len(extra), extra)
		}
	}
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func placeholders(v any) []string {
	var texts []string
	switch v := v.(type) {
	case string:
		texts = []string{v}
	case map[string]any:
		for _, x := range v {
			if s, ok := x.(string); ok {
				texts = append(texts, s)
			}
		}
	}
	var names []string
	for _, s := range texts {
		for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
			if !slices.Contains(names, m[1]) {
				names = append(names, m[1])
			}
		}
	}
	sort.Strings(names)
	return names
}

// TestTranslationsKeepPlaceholders fails when a translation drops or renames a value
// ({{.Name}}) or a text is plural in one language and not in another.
func TestTranslationsKeepPlaceholders(t *testing.T) {
	cats := catalogues(t)
	for code, cat := range cats {
		if code == "en" {
			continue
		}
		for id, want := range cats["en"] {
			got, ok := cat[id]
			if !ok {
				continue // reported by TestCataloguesHaveTheSameIDs
			}
			if _, plural := want.(map[string]any); plural != isMap(got) {
				t.Errorf("%s %s: plural in one language only", code, id)
				continue
			}
			if w, g := placeholders(want), placeholders(got); !slices.Equal(w, g) {
				t.Errorf("%s %s: placeholders %v, want %v", code, id, g, w)
			}
			if m, ok := got.(map[string]any); ok {
				for _, form := range []string{"one", "other"} {
					if _, ok := m[form]; !ok {
						t.Errorf("%s %s: no plural form %q", code, id, form)
					}
				}
			}
		}
	}
}

func isMap(v any) bool { _, ok := v.(map[string]any); return ok }

// TestEveryTextSays checks that each text of each language renders, so a broken
// placeholder shows here and not on a page.
func TestEveryTextSays(t *testing.T) {
	cats := catalogues(t)
	for _, tag := range locale.Supported {
		p := locale.For(tag)
		for id := range cats[p.Code()] {
			if !p.Has(id) {
				t.Errorf("%s: %s does not render from its own catalogue", p.Code(), id)
			}
		}
	}
}

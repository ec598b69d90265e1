package browser_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/chromedp/chromedp"

	"carpool/internal/locale"
)

// englishText is the English of the message catalogues that a German page must never
// show: every text whose German differs, cut at its placeholders into the fixed pieces a
// reader would see. What the German catalogue says too (names like "Carpool", words like
// "Status", a phrase a German text quotes) is left out, so a match is English that only
// an untranslated text can have put there.
type englishText struct {
	phrases []englishPhrase
}

type englishPhrase struct {
	text string // matched case-sensitively, as whole words
	id   string // the catalogue id (or the English format of a domain message)
}

// placeholder is a template action ({{.Name}}) or a printf verb (%d, %q, %s).
var placeholder = regexp.MustCompile(`\{\{[^}]*\}\}|%%|%(?:\[\d+\])?[-+# 0-9.*]*[a-zA-Z]|\n`)

// pieceEdges are the characters a piece is trimmed of: a sentence's punctuation says
// nothing about its language.
const pieceEdges = " \t.,:;!?()[]\"'«»„“”–—-·/…→*+=<>|"

var englishCatalogue = sync.OnceValues(func() (*englishText, error) {
	raw, err := locale.Catalogues()
	if err != nil {
		return nil, err
	}
	en, err := flatCatalogue(raw["en"])
	if err != nil {
		return nil, fmt.Errorf("en catalogue: %w", err)
	}
	de, err := flatCatalogue(raw["de"])
	if err != nil {
		return nil, fmt.Errorf("de catalogue: %w", err)
	}
	// The domain's messages: English formats, each with its German.
	errs, err := locale.ErrorCatalogues()
	if err != nil {
		return nil, err
	}
	var deErrors map[string]string
	if err := json.Unmarshal(errs["de"], &deErrors); err != nil {
		return nil, fmt.Errorf("de error catalogue: %w", err)
	}
	type message struct{ id, english, german string }
	var messages []message
	for id, english := range en {
		messages = append(messages, message{id, english, de[id]})
	}
	for format, german := range deErrors {
		messages = append(messages, message{format, format, german})
	}
	var germanAll []string
	for _, m := range messages {
		germanAll = append(germanAll, m.german)
	}
	german := strings.Join(germanAll, "\n")

	seen := map[string]bool{}
	out := &englishText{}
	for _, m := range messages {
		if m.english == m.german {
			continue
		}
		whole := !placeholder.MatchString(m.english)
		for _, piece := range placeholder.Split(m.english, -1) {
			piece = strings.Trim(piece, pieceEdges)
			words := len(strings.Fields(piece))
			if words == 0 || seen[piece] || !strings.ContainsFunc(piece, unicode.IsLetter) {
				continue
			}
			// A single word counts only as a whole message ("Save", "Sites") or as a long
			// word of a sentence: a short piece like "of" or "at" proves nothing alone.
			if words == 1 && !whole && utf8.RuneCountInString(piece) < 6 {
				continue
			}
			if containsWords(german, piece) >= 0 {
				continue // German says it too
			}
			seen[piece] = true
			out.phrases = append(out.phrases, englishPhrase{piece, m.id})
		}
	}
	sort.Slice(out.phrases, func(i, j int) bool { return out.phrases[i].text < out.phrases[j].text })
	return out, nil
})

// flatCatalogue reads a catalogue into id → text; a text with plural forms gives each form
// under id.form.
func flatCatalogue(b []byte) (map[string]string, error) {
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(raw))
	for id, v := range raw {
		switch v := v.(type) {
		case string:
			out[id] = v
		case map[string]any:
			for form, s := range v {
				if s, ok := s.(string); ok {
					out[id+"."+form] = s
				}
			}
		}
	}
	return out, nil
}

// containsWords is the index of the first place s holds phrase as whole words (no letter
// or digit right before or after it), or -1.
func containsWords(s, phrase string) int {
	for from := 0; ; {
		i := strings.Index(s[from:], phrase)
		if i < 0 {
			return -1
		}
		i += from
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[i+len(phrase):])
		if !isWordRune(before) && !isWordRune(after) {
			return i
		}
		from = i + 1
	}
}

func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// pageTexts returns every text of the current page a reader meets: each text node of
// the body (hidden ones too: they show when the page changes), the labels a screen
// reader says (aria-label, title, alt, placeholder) and the document's title. Text
// marked as another language (the language switch's "English") is not the page's.
const pageTexts = `(() => {
	const german = el => { const l = el.closest("[lang]"); return !l || l.lang.toLowerCase().startsWith("de"); };
	const out = [document.title];
	const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	for (let n; (n = walk.nextNode()); ) {
		const el = n.parentElement, t = n.data.trim();
		if (t && el && !["SCRIPT", "STYLE"].includes(el.tagName) && german(el)) out.push(t);
	}
	for (const el of document.body.querySelectorAll("[aria-label], [title], [alt], [placeholder]")) {
		if (!german(el)) continue;
		for (const a of ["aria-label", "title", "alt", "placeholder"]) {
			const v = el.getAttribute(a);
			if (v && v.trim()) out.push(v.trim());
		}
	}
	return out;
})()`

// englishOnPage fails the test for every English catalogue text on the current page,
// which must be German; name says which page it is.
func (p *person) englishOnPage(name string) {
	p.t.Helper()
	cat, err := englishCatalogue()
	if err != nil {
		p.t.Fatalf("read the catalogues: %v", err)
	}
	texts, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](pageTexts))
	if err != nil {
		p.t.Fatalf("%s: read the texts of %s: %v", p.name, name, err)
	}
	for _, leak := range cat.find(texts) {
		p.t.Errorf("%s: page %s shows English %q (%s) in %q", p.name, name, leak.phrase.text, leak.phrase.id, leak.in)
	}
}

type englishLeak struct {
	phrase englishPhrase
	in     string
}

// addresses are web and mail addresses in a text: their words ("site" in ?site=) are
// no one's language.
var addresses = regexp.MustCompile(`\S+://\S+|\S+@\S+|/\S+`)

// find returns each English text found in texts, once per text.
func (e *englishText) find(texts []string) []englishLeak {
	var out []englishLeak
	for _, t := range texts {
		words := addresses.ReplaceAllString(t, " ")
		for _, ph := range e.phrases {
			if containsWords(words, ph.text) >= 0 {
				out = append(out, englishLeak{ph, t})
				break
			}
		}
	}
	return out
}

// TestEnglishFinderFindsOnlyEnglish: the finder catches an untranslated catalogue text
// in a German page's text, as a whole text or inside a sentence, and passes German
// texts, the words both languages share, and a word that only contains an English one.
func TestEnglishFinderFindsOnlyEnglish(t *testing.T) {
	cat, err := englishCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := locale.Catalogues()
	if err != nil {
		t.Fatal(err)
	}
	en, err := flatCatalogue(raw["en"])
	if err != nil {
		t.Fatal(err)
	}
	de, err := flatCatalogue(raw["de"])
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.phrases) < 500 {
		t.Fatalf("only %d English texts to look for, want the catalogue's hundreds", len(cat.phrases))
	}
	for _, id := range []string{"common.departure", "ride.save_departure", "fleet.add_a_site"} {
		if got := cat.find([]string{en[id]}); len(got) == 0 {
			t.Errorf("%s: English %q not found", id, en[id])
		}
		if got := cat.find([]string{"Heute: " + en[id] + "."}); len(got) == 0 {
			t.Errorf("%s: English %q inside a sentence not found", id, en[id])
		}
		if got := cat.find([]string{de[id]}); len(got) != 0 {
			t.Errorf("%s: German %q taken for English: %v", id, de[id], got)
		}
	}
	for _, german := range []string{"Name", "Status", "Carpool", "Berlin Mitte → Potsdam", "Abfahrten"} {
		if got := cat.find([]string{german}); len(got) != 0 {
			t.Errorf("%q taken for English: %v", german, got)
		}
	}
}

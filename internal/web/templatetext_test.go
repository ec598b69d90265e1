package web_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"text/template/parse"
	"unicode"

	"golang.org/x/net/html"

	"carpool/internal/locale"
	"carpool/internal/web"
)

// action matches a template action; the scanner below replaces each by bytes of the same
// length that are no letters, so the HTML around it keeps its shape and offsets.
var action = regexp.MustCompile(`(?s)\{\{.*?\}\}`)

// visibleAttrs are the attributes whose values people read or hear.
var visibleAttrs = map[string]bool{"placeholder": true, "title": true, "aria-label": true, "alt": true, "label": true, "data-label": true}

// userText reports whether s holds anything but whitespace, punctuation, symbols and
// numbers: the words that must come from the catalogue.
func userText(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// TestTemplatesHaveNoLooseText fails when a page shows words that are not in the
// catalogue: text between tags and the values of visible attributes (placeholder, title,
// aria-label, alt, label, data-label, and value of buttons) may hold only whitespace,
// punctuation, numbers and template actions, and a partial's Label, Hint, None or Legend
// must not be a string literal.
func TestTemplatesHaveNoLooseText(t *testing.T) {
	files, err := filepath.Glob("templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, loose := range looseText(src) {
			t.Errorf("%s: text outside the catalogue: %q", f, loose)
		}
		for _, lit := range literalLabels(t, f, string(src)) {
			t.Errorf("%s: a partial's text is a literal, not a catalogue text: %q", f, lit)
		}
	}
}

func looseText(src []byte) []string {
	masked := action.ReplaceAllFunc(src, func(a []byte) []byte { return bytes.Repeat([]byte{'\x01'}, len(a)) })
	var out []string
	z := html.NewTokenizer(bytes.NewReader(masked))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.TextToken:
			if s := string(z.Text()); userText(s) {
				out = append(out, strings.Join(strings.Fields(strings.ReplaceAll(s, "\x01", " ")), " "))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, more := z.TagName()
			attrs := map[string]string{}
			for more {
				var k, v []byte
				k, v, more = z.TagAttr()
				attrs[string(k)] = string(v)
			}
			button := string(name) == "button" || (string(name) == "input" && (attrs["type"] == "submit" || attrs["type"] == "button"))
			for k, v := range attrs {
				if (visibleAttrs[k] || (k == "value" && button)) && userText(v) {
					out = append(out, k+"="+v)
				}
			}
		}
	}
}

// partialText are the dict keys whose values a partial shows.
var partialText = map[string]bool{"Label": true, "Hint": true, "None": true, "Legend": true}

// literalLabels finds dict "Label" "Some words" in the parsed template: the words must
// come from t.
func literalLabels(t *testing.T, name, src string) []string {
	t.Helper()
	funcs := map[string]any{}
	builtins := []string{"and", "or", "not", "len", "index", "slice", "print", "printf", "println", "eq", "ne", "lt", "le", "gt", "ge", "html", "js", "urlquery", "call"}
	for _, f := range append(web.TemplateFuncNames(), builtins...) {
		funcs[f] = func() {}
	}
	trees, err := parse.Parse(name, src, "{{", "}}", funcs)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	var out []string
	var walk func(n parse.Node)
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.ActionNode:
			walk(n.Pipe)
		case *parse.PipeNode:
			if n != nil {
				for _, c := range n.Cmds {
					walk(c)
				}
			}
		case *parse.CommandNode:
			for i, a := range n.Args {
				if s, ok := a.(*parse.StringNode); ok && partialText[s.Text] && i+1 < len(n.Args) {
					if v, ok := n.Args[i+1].(*parse.StringNode); ok && userText(v.Text) {
						out = append(out, s.Text+" "+v.Quoted)
					}
				}
				walk(a)
			}
		case *parse.IfNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			walk(n.Pipe)
		}
	}
	for _, tr := range trees {
		walk(tr.Root)
	}
	return out
}

// textIDs matches the ids that templates say with t and tn.
var textIDs = regexp.MustCompile(`\(?\btn? "([^"]+)"`)

// TestTemplateTextsExist fails when a template asks for an id that the catalogue lacks.
func TestTemplateTextsExist(t *testing.T) {
	cats, err := locale.Catalogues()
	if err != nil {
		t.Fatal(err)
	}
	var en map[string]any
	if err := json.Unmarshal(cats["en"], &en); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("templates/*.html")
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range action.FindAllString(string(src), -1) {
			for _, m := range textIDs.FindAllStringSubmatch(a, -1) {
				if _, ok := en[m[1]]; !ok {
					t.Errorf("%s: no text %q in the catalogue", f, m[1])
				}
			}
		}
	}
}

// TestLooseTextIsFound keeps the scanner honest: it must see words in each place a
// page can show them.
func TestLooseTextIsFound(t *testing.T) {
	for _, src := range []string{
		`<p>Hello</p>`,
		`<p>{{.Name}} waits</p>`,
		`<input placeholder="Your name">`,
		`<a href="/" aria-label="Home">{{t "x"}}</a>`,
		`<button type="submit" value="go">Go</button>`,
		`<input type="submit" value="Send">`,
		`<td data-label="Seats">{{.Seats}}</td>`,
		`{{if .X}}Site: {{end}}`,
	} {
		if len(looseText([]byte(src))) == 0 {
			t.Errorf("%s: loose text not found", src)
		}
	}
	for _, src := range []string{
		`<p>{{t "x"}}</p>`,
		`<p>{{.A}} · {{.B}} (12) →</p>`,
		`<input name="email" type="email" value="{{.F.Get "email"}}" autocomplete="email">`,
		`<a href="/rides?from=x" class="button">{{t "y"}}</a>`,
		`{{/* a comment with words */}}`,
	} {
		if got := looseText([]byte(src)); len(got) > 0 {
			t.Errorf("%s: found %q, want nothing", src, got)
		}
	}
}

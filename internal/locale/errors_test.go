package locale_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zone below loads on any machine, as in the binary

	"carpool/internal/carpool"
	"carpool/internal/locale"
	"golang.org/x/text/language"
)

// domainFormat is one message format the code passes to carpool.Errorf, FieldErrorf or
// Phrasef, or sets as a literal Error or FieldError Message.
type domainFormat struct {
	format string
	pos    token.Position
}

// domainFormats walks the Go source under internal/ (tests left out) and returns every
// domain message format, failing for a message that is not a literal and so cannot be
// looked up in a catalogue.
func domainFormats(t *testing.T) []domainFormat {
	t.Helper()
	var out []domainFormat
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		inDomain := f.Name.Name == "carpool"
		// plumbing builds errors and phrases from formats already checked at their call.
		plumbing := inDomain && slices.Contains([]string{"errors.go", "phrase.go"}, filepath.Base(path))
		// domain names a function or type of package carpool as the file says it.
		domain := func(e ast.Expr) string {
			switch e := e.(type) {
			case *ast.Ident:
				if inDomain {
					return e.Name
				}
			case *ast.SelectorExpr:
				if x, ok := e.X.(*ast.Ident); ok && x.Name == "carpool" && !inDomain {
					return e.Sel.Name
				}
			}
			return ""
		}
		var literal func(e ast.Expr) (string, bool)
		literal = func(e ast.Expr) (string, bool) {
			switch e := e.(type) {
			case *ast.BasicLit:
				if e.Kind == token.STRING {
					s, err := strconv.Unquote(e.Value)
					return s, err == nil
				}
			case *ast.BinaryExpr:
				if e.Op == token.ADD {
					a, ok1 := literal(e.X)
					b, ok2 := literal(e.Y)
					return a + b, ok1 && ok2
				}
			}
			return "", false
		}
		add := func(e ast.Expr, what string) {
			pos := fset.Position(e.Pos())
			s, ok := literal(e)
			if !ok {
				t.Errorf("%s: the message of %s is not a string literal, so no catalogue can translate it", pos, what)
				return
			}
			out = append(out, domainFormat{s, pos})
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				arg := map[string]int{"Errorf": 1, "FieldErrorf": 2, "Phrasef": 0}
				if i, ok := arg[domain(n.Fun)]; ok && len(n.Args) > i {
					add(n.Args[i], domain(n.Fun))
				}
			case *ast.CompositeLit:
				name := domain(n.Type)
				if name == "Phrase" && !plumbing {
					t.Errorf("%s: a carpool.Phrase literal hides its format from this test; use carpool.Phrasef", fset.Position(n.Pos()))
				}
				if name == "Error" || name == "FieldError" {
					for _, el := range n.Elts {
						kv, ok := el.(*ast.KeyValueExpr)
						if !ok {
							continue
						}
						if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Message" {
							if plumbing {
								continue
							}
							add(kv.Value, "a carpool."+name)
						}
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 100 {
		t.Fatalf("found %d domain messages, want the code's hundreds: is the walk looking in the right place?", len(out))
	}
	return out
}

func errorCatalogues(t *testing.T) map[string]map[string]string {
	t.Helper()
	files, err := locale.ErrorCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for code, b := range files {
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("error catalogue %s: %v", code, err)
		}
		out[code] = m
	}
	return out
}

// TestEveryDomainMessageIsTranslated fails when the code says a domain message that a
// language's error catalogue lacks (so a page in that language would show English), or
// when a catalogue holds a message the code no longer says.
func TestEveryDomainMessageIsTranslated(t *testing.T) {
	formats := domainFormats(t)
	cats := errorCatalogues(t)
	for _, tag := range locale.Supported {
		if code := locale.Code(tag); code != "en" && cats[code] == nil {
			t.Fatalf("no error catalogue for supported language %s", code)
		}
	}
	said := map[string]bool{}
	for _, f := range formats {
		said[f.format] = true
	}
	for code, cat := range cats {
		missing := map[string]token.Position{}
		for _, f := range formats {
			if _, ok := cat[f.format]; !ok && locale.NeedsTranslation(f.format) {
				missing[f.format] = f.pos
			}
		}
		for _, format := range slices.Sorted(maps.Keys(missing)) {
			t.Errorf("%s: %s: error catalogue %s lacks %q", missing[format], code, code, format)
		}
		for _, format := range slices.Sorted(maps.Keys(cat)) {
			if !said[format] {
				t.Errorf("error catalogue %s holds %q, which no code says", code, format)
			}
		}
	}
}

var verb = regexp.MustCompile(`%(?:%|[-+# 0]*(\[\d+\])?(?:\d+|\*)?(?:\.(?:\d+|\*)?)?([a-zA-Z]))`)

// argumentVerbs maps each argument a format uses (numbered from 1) to its verb, as fmt
// numbers them: in order, or from an explicit index on.
func argumentVerbs(format string) (map[int]string, bool) {
	out := map[int]string{}
	next := 1
	for _, m := range verb.FindAllStringSubmatch(format, -1) {
		if m[0] == "%%" {
			continue
		}
		if m[1] != "" {
			next, _ = strconv.Atoi(strings.Trim(m[1], "[]"))
		}
		if v, ok := out[next]; ok && v != m[2] {
			return nil, false
		}
		out[next] = m[2]
		next++
	}
	return out, true
}

// TestTranslatedMessagesSayTheSameValues fails when a translation drops, adds or
// changes the verb of a value the English format says.
func TestTranslatedMessagesSayTheSameValues(t *testing.T) {
	for code, cat := range errorCatalogues(t) {
		for en, tr := range cat {
			want, ok1 := argumentVerbs(en)
			got, ok2 := argumentVerbs(tr)
			if !ok1 || !ok2 || !maps.Equal(got, want) {
				t.Errorf("%s %q: values %v in %q, want %v", code, en, got, tr, want)
			}
			if strings.TrimSpace(tr) == "" {
				t.Errorf("%s %q: empty translation", code, en)
			}
		}
	}
}

func TestErrorSaysTheDomainMessageInThePageLanguage(t *testing.T) {
	de := locale.For(language.German)
	en := locale.For(language.English)
	day := carpool.Date{Year: 2026, Month: time.December, Day: 3}
	tests := []struct {
		name   string
		err    error
		en, de string
	}{
		{"number", carpool.FieldErrorf(carpool.EINVALID, "seats", "seats must be between 1 and %d", 4),
			"seats must be between 1 and 4", "Die Zahl der Plätze muss zwischen 1 und 4 liegen"},
		{"state", carpool.Errorf(carpool.ECONFLICT, "booking is already %s", carpool.BookingStatus("cancelled")),
			"booking is already cancelled", "Die Buchung ist bereits storniert"},
		{"phrase", carpool.Errorf(carpool.EFORBIDDEN, "only admins can %s", carpool.Phrasef("list members")),
			"only admins can list members", "Nur Admins dürfen Mitglieder auflisten"},
		{"day", carpool.FieldErrorf(carpool.EINVALID, "date", "the series has no ride on %s", day),
			"the series has no ride on 2026-12-03", "Die Serie hat am 03.12.2026 keine Fahrt"},
		{"decimal", carpool.FieldErrorf(carpool.EINVALID, "max_detour_km", "max_detour_km must be between 0 and %g", 12.5),
			"max_detour_km must be between 0 and 12.5", "Der Umweg muss zwischen 0 und 12,5 km liegen"},
		{"whole number", carpool.FieldErrorf(carpool.ECONFLICT, "if_match", "the %s was changed meanwhile (now version %d); reload and retry", carpool.Phrasef("series"), 1234),
			"the series was changed meanwhile (now version 1234); reload and retry",
			"Inzwischen wurde die Serie geändert (jetzt Version 1234); laden Sie neu und versuchen Sie es erneut"},
		{"wait", carpool.Errorf(carpool.ETHROTTLED, "too many %s; please wait %s before trying again", carpool.Phrasef("sign-in attempts"), 90*time.Second),
			"too many sign-in attempts; please wait 1m30s before trying again",
			"Zu viele Anmeldeversuche; bitte warten Sie 2 Minuten, bevor Sie es erneut versuchen"},
		{"other error", errBoom{}, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.en
			if want == "" {
				want = en.T("error.internal")
			}
			if got := en.Error(tc.err); got != want {
				t.Errorf("en: got %q, want %q", got, want)
			}
			want = tc.de
			if want == "" {
				want = de.T("error.internal")
			}
			if got := de.Error(tc.err); got != want {
				t.Errorf("de: got %q, want %q", got, want)
			}
		})
	}
}

type errBoom struct{}

func (errBoom) Error() string { return "boom" }

func TestFieldMessageSaysTheFieldsLabel(t *testing.T) {
	err := carpool.FieldErrorf(carpool.EINVALID, "plate", "%s is required", carpool.FieldName("plate"))
	fe := carpool.ErrorFields(err)[0]
	if got, want := locale.For(language.English).FieldMessage(fe), "plate is required"; got != want {
		t.Errorf("en: got %q, want %q", got, want)
	}
	if got, want := locale.For(language.German).FieldMessage(fe), "Kennzeichen ist nötig"; got != want {
		t.Errorf("de: got %q, want %q", got, want)
	}
}

func TestErrorShowsMomentsInThePagesZone(t *testing.T) {
	zurich, err := time.LoadLocation("Europe/Zurich")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, time.December, 1, 7, 0, 0, 0, time.UTC)
	e := carpool.FieldErrorf(carpool.ECONFLICT, "depart_at", "departure must lie within your reservation of the car (%s to %s)",
		carpool.Moment(start), carpool.Moment(start.Add(2*time.Hour)))
	if want := "departure must lie within your reservation of the car (2026-12-01T07:00:00Z to 2026-12-01T09:00:00Z)"; e.Message != want {
		t.Errorf("Message: got %q, want %q", e.Message, want)
	}
	want := "Die Abfahrt muss innerhalb Ihrer Reservierung des Autos liegen (Di. 01.12.2026, 08:00 bis Di. 01.12.2026, 10:00)"
	if got := locale.For(language.German).In(zurich).Error(e); got != want {
		t.Errorf("de: got %q, want %q", got, want)
	}
}

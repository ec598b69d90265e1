package carpool_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"carpool/internal/carpool"
)

// FuzzTextClean: whatever comes in, cleaned text is valid UTF-8 without control or bidi
// characters, within its length, and cleaning it again changes nothing.
func FuzzTextClean(f *testing.F) {
	for _, s := range []string{"Ann", " Rene\u0301 ", "a\x00b", "\u202eabc", "\u200b", "a\r\nb", "\xff", strings.Repeat("é", 60)} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, in string, multiline bool) {
		text := carpool.Text{Min: 1, Max: 50, Multiline: multiline}
		out, err := text.Clean("f", in)
		if err != nil {
			if carpool.ErrorCode(err) != carpool.EINVALID || carpool.ErrorField(err) != "f" {
				t.Fatalf("Clean(%q): got %v, want an invalid error about f", in, err)
			}
			return
		}
		if !utf8.ValidString(out) || utf8.RuneCountInString(out) > text.Max || out == "" {
			t.Fatalf("Clean(%q): got %q, want valid UTF-8 of 1 to %d characters", in, out, text.Max)
		}
		for _, r := range out {
			if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t')) || r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069' {
				t.Fatalf("Clean(%q): got %q holding %U", in, out, r)
			}
		}
		again, err := text.Clean("f", out)
		if err != nil || again != out {
			t.Fatalf("Clean(Clean(%q)) = %q, %v; want %q unchanged", in, again, err, out)
		}
	})
}

// FuzzCursor: a cursor from outside either names a position made of printable text or
// is refused as invalid; the positions this server writes always come back.
func FuzzCursor(f *testing.F) {
	for _, s := range []string{"", "AA", "!!", "%25", carpool.CursorAfter("offset:20"), carpool.CursorAfter(carpool.NewID())} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cursor string) {
		p, err := carpool.Page{Cursor: cursor}.Normalize()
		if err != nil {
			if carpool.ErrorField(err) != "cursor" {
				t.Fatalf("Normalize(%q): got %v, want an error about cursor", cursor, err)
			}
			return
		}
		after, err := p.After()
		if err != nil {
			t.Fatalf("After(%q) after Normalize: %v", cursor, err)
		}
		if !utf8.ValidString(after) || strings.ContainsFunc(after, unicode.IsControl) {
			t.Fatalf("After(%q): got %q, want printable text", cursor, after)
		}
		if carpool.ValidID(after) {
			if back, err := (carpool.Page{Cursor: carpool.CursorAfter(after)}).After(); err != nil || back != after {
				t.Fatalf("round trip of %q: got %q, %v", after, back, err)
			}
		}
	})
}

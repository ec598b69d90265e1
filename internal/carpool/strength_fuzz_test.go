package carpool

import (
	"math"
	"testing"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
)

// FuzzPasswordStrength: for any password, our estimate is the library's, or lower where
// the library loses l33t readings (four l33t letters or more); never more lenient.
func FuzzPasswordStrength(f *testing.F) {
	for _, p := range []string{"p@ssw0rd", "correct horse battery", "31.12.1991", "abcabcabc", "qwerty123", "Zoë-1990", "aa\nbb"} {
		f.Add(p)
	}
	personal := personalWords("ann.smith@example.com", "Ann Smith")
	f.Fuzz(func(t *testing.T, p string) {
		if r := []rune(p); len(r) > 24 || !utf8.ValidString(p) {
			return // the library's matching grows fast with length; short inputs find the differences
		}
		want := zxcvbn.PasswordStrength(p, personal).Guesses
		got := passwordGuesses(p, personal)
		if math.Abs(got-want) > 1e-9*want && (got > want || l33tLetters(p) <= 3) {
			t.Errorf("%q: %g guesses, the library %g", p, got, want)
		}
	})
}

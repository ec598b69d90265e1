package carpool

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/trustelem/zxcvbn"
	"github.com/trustelem/zxcvbn/frequency"
)

// strengthSample is a sample of passwords people choose: common passwords and words as
// they are and as people dress them up (capitals, digits, years, l33t, reversed,
// doubled, joined), keyboard walks, dates, sequences, passphrases, and the member's own
// words.
func strengthSample() []string {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	l33t := strings.NewReplacer("a", "@", "e", "3", "i", "1", "o", "0", "s", "$", "t", "7", "l", "|", "g", "9", "b", "8")
	for name, list := range frequency.FrequencyLists {
		step := 800
		if name == "passwords" {
			step = 100
		}
		for k := 0; k < len(list); k += step {
			w := list[k]
			add(w)
			add(w + "1")
			add(strings.ToUpper(w[:1]) + w[1:] + "2024!")
			add(l33t.Replace(w))
			add(strings.ToUpper(w))
			add(reverseString(w) + "99")
			add(w + w)
			add(w + "-" + list[(k*7919)%len(list)] + fmt.Sprint(k%100))
			add(w + "1987")
			add(w + "12/05/91")
		}
	}
	for _, p := range []string{
		"qwertyuiop", "1qaz2wsx3edc", "zxcvbnm,./", "!QAZ@WSX", "asdfghjkl;'", "147258369", "7894561230",
		"abcdefgh", "13579", "zyxwvu", "aaaaaaaaaa", "abcabcabc", "xyzxyzxyz123", "ababababab12",
		"19911231", "31.12.1991", "2015-06-04", "1/1/91", "04 05 2003", "20001", "111504",
		"correct horse battery staple", "correct horse battery", "quite-unguessable-passphrase",
		"Tr0ub4dor&3", "p@ssw0rd", "P4$$w0rd!", "4@8(3691|0$+%2", "l1ttl3 l4mb", "|_|ber",
		"ann.smith@example.com", "annsmith2024", "AnnSmith!!", "htimsnna", "carpool2024", "carpooling rocks",
		"Zoë-Müller-1990", "пароль123", "密码密码密码", "ÄÖÜäöüß1234", "straße99straße",
		"kX9#mQ2$vL7@", "unrelated words unrelated words", "dvorak;qjkx", "neverGonnaGiveYouUp",
		"\u00a012/05/91", "12\u00a005\u00a091", "a\nb\na\nb", "tab\ttab\t",
	} {
		add(p)
	}
	return out
}

func reverseString(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// TestStrengthEstimateAgreesWithTheLibrary compares our matching, scored by the
// library's scoring, with the library's whole estimate on the sample: the same number
// of guesses, hence the same verdict. The one known difference: with l33t characters
// for four letters or more, the library loses some readings (its enumeration appends
// to slices that share their backing array, so one reading overwrites another), and
// then misses a word ours finds; there ours may only be lower, never more lenient.
func TestStrengthEstimateAgreesWithTheLibrary(t *testing.T) {
	personal := personalWords("ann.smith@example.com", "Ann Smith")
	sample := strengthSample()
	var differ, guesses int
	for _, p := range sample {
		if r := []rune(p); len(r) > strengthPrefix {
			p = string(r[:strengthPrefix])
		}
		want := zxcvbn.PasswordStrength(p, personal)
		got := passwordGuesses(p, personal)
		if math.Abs(got-want.Guesses) > 1e-9*want.Guesses {
			guesses++
			if l33tLetters(p) <= 3 || got > want.Guesses {
				differ++
				t.Errorf("%q: %g guesses, the library %g", p, got, want.Guesses)
			}
		}
	}
	t.Logf("%d passwords: %d estimates lower than the library's (l33t for four letters or more), %d wrong", len(sample), guesses-differ, differ)
}

// TestL33tWordsTheLibraryMissedAreRefused: a dictionary word with l33t characters for
// many letters is as easy to guess as with few; the library accepted these.
func TestL33tWordsTheLibraryMissedAreRefused(t *testing.T) {
	for _, p := range []string{"c0n$19nm3n7", "p3rf0r@710n$", "1nfr1n93m3n7$"} {
		if lib := zxcvbn.PasswordStrength(p, nil).Score; lib < MinPasswordScore {
			t.Errorf("%q: the library's score is %d now; this test shows where it accepted a weak password", p, lib)
		}
		if err := checkPasswordStrength(p, "ann.smith@example.com", "Ann Smith"); err == nil {
			t.Errorf("%q accepted, want refused as a l33t dictionary word", p)
		}
	}
}

func TestSortedWordsLookup(t *testing.T) {
	words := sortedWords("abc\t3\nabcd\t1\nb\t7\nzz\t2\n")
	tests := []struct {
		word          string
		rank          int
		found, prefix bool
	}{
		{"abc", 3, true, true},
		{"abcd", 1, true, true},
		{"b", 7, true, true},
		{"zz", 2, true, true},
		{"ab", 0, false, true},
		{"a", 0, false, true},
		{"abce", 0, false, false},
		{"ba", 0, false, false},
		{"z", 0, false, true},
		{"zzz", 0, false, false},
		{"", 0, false, true},
		{"0", 0, false, false},
	}
	for _, tt := range tests {
		rank, found, prefix := words.lookup(tt.word)
		if rank != tt.rank || found != tt.found || prefix != tt.prefix {
			t.Errorf("lookup(%q) = %d, %v, %v; want %d, %v, %v", tt.word, rank, found, prefix, tt.rank, tt.found, tt.prefix)
		}
	}
}

// TestStrengthWordsAreTheLibraryLists: the embedded lists hold every word of the
// library's lists, lower-cased, with its rank, sorted (the search relies on it).
func TestStrengthWordsAreTheLibraryLists(t *testing.T) {
	if len(strengthLists) != len(frequency.FrequencyLists) {
		t.Fatalf("%d embedded lists, the library has %d", len(strengthLists), len(frequency.FrequencyLists))
	}
	for _, l := range strengthLists {
		list, ok := frequency.FrequencyLists[l.name]
		if !ok {
			t.Fatalf("the library has no list %q", l.name)
		}
		want := map[string]int{}
		for i, w := range list {
			want[strings.ToLower(w)] = i + 1
		}
		lines := strings.Split(strings.TrimSuffix(string(l.words), "\n"), "\n")
		if len(lines) != len(want) {
			t.Errorf("%s: %d lines, want %d words (run go generate ./internal/carpool)", l.name, len(lines), len(want))
		}
		prev := ""
		for _, line := range lines {
			w, r, _ := strings.Cut(line, "\t")
			if w <= prev {
				t.Fatalf("%s: %q after %q: not sorted", l.name, w, prev)
			}
			prev = w
			if fmt.Sprint(want[w]) != r {
				t.Errorf("%s: %q has rank %s, want %d", l.name, w, r, want[w])
			}
			if rank, found, _ := l.words.lookup(w); !found || fmt.Sprint(rank) != r {
				t.Errorf("%s: lookup(%q) = %d, %v", l.name, w, rank, found)
			}
		}
	}
}

func BenchmarkPasswordStrength(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		checkPasswordStrength("correct horse battery staple", "ann.smith@example.com", "Ann Smith")
	}
}

func BenchmarkPasswordStrengthLibrary(b *testing.B) {
	personal := personalWords("ann.smith@example.com", "Ann Smith")
	b.ReportAllocs()
	for b.Loop() {
		zxcvbn.PasswordStrength("correct horse battery staple", personal)
	}
}

func l33tLetters(p string) int {
	n := 0
	for _, row := range l33tTable {
		if strings.ContainsAny(p, row.subs) {
			n++
		}
	}
	return n
}

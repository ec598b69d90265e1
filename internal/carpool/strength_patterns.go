package carpool

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn/adjacency"
	"github.com/trustelem/zxcvbn/match"
	"github.com/trustelem/zxcvbn/scoring"
)

// keyboards are the layouts a keyboard walk is looked for on, in zxcvbn's order, and
// the characters typed with shift on each.
var keyboards = [...]struct{ name, shifted string }{
	{"qwerty", `~!@#$%^&*()_+QWERTYUIOP{}|ASDFGHJKL:"ZXCVBNM<>?`},
	{"dvorak", `~!@#$%^&*()_+QWERTYUIOP{}|ASDFGHJKL:"ZXCVBNM<>?`},
	{"keypad", ""},
	{"mac_keypad", ""},
}

// spatialMatches finds walks of three or more neighbouring keys (qwerty, zxcvbn, 7896).
func spatialMatches(password string) []*match.Match {
	var ms []*match.Match
	for _, kb := range keyboards {
		g := adjacency.Graphs[kb.name]
		if g == nil || g.Graph == nil {
			continue
		}
		shifted := func(c byte) bool { return kb.shifted != "" && strings.IndexByte(kb.shifted, c) >= 0 }
		for i := 0; i < len(password)-1; {
			j := i + 1
			turns, shifts, direction := 0, 0, -1
			if shifted(password[i]) {
				shifts = 1
			}
			for ; j < len(password); j++ {
				d, shift := neighbour(g, password[j-1], password[j])
				if d < 0 {
					break
				}
				if shift {
					shifts++
				}
				if d != direction {
					turns++ // the first step counts as a turn too
					direction = d
				}
			}
			if j-i > 2 {
				ms = append(ms, &match.Match{Pattern: "spatial", I: i, J: j - 1, Token: password[i:j],
					Graph: kb.name, Turns: turns, ShiftedCount: shifts})
			}
			i = j
		}
	}
	return ms
}

// neighbour is the direction in which key next lies from key prev on g (-1 if it is
// not a neighbour), and whether it is typed with shift.
func neighbour(g *adjacency.Graph, prev, next byte) (int, bool) {
	if prev >= utf8.RuneSelf || next >= utf8.RuneSelf {
		return -1, false
	}
	for d, keys := range g.Graph[string(rune(prev))] {
		if at := strings.IndexByte(keys, next); at >= 0 {
			return d, at == 1
		}
	}
	return -1, false
}

// repeatMatches finds a part written twice or more in a row (abcabc, aaaa), the part's
// own guesses estimated like a password's. It looks for repeats left to right: at the
// first position where one starts, the longer of the shortest and the longest repeated
// part wins.
func repeatMatches(password string) []*match.Match {
	var ms []*match.Match
	r := []rune(password)
	for from := 0; from < len(password); {
		start := runeIndex(password, from)
		if start < 0 {
			break
		}
		at, short, long := firstRepeat(r, start)
		if at < 0 {
			break
		}
		chosen, base := short, r[at:at+short.base]
		if long.span > short.span {
			chosen = long
			token := r[at : at+long.span]
			base = token[:shortestPeriod(token)]
		}
		i, j := byteOffset(password, at), byteOffset(password, at+chosen.span-1)
		baseToken := string(base)
		est := scoring.MostGuessableMatchSequence(baseToken, allMatches(baseToken, nil), false)
		ms = append(ms, &match.Match{Pattern: "repeat", I: i, J: j, Token: string(r[at : at+chosen.span]),
			BaseToken: baseToken, BaseGuesses: est.Guesses, BaseMatches: est.Sequence,
			// zxcvbn divides the characters of the repeat by the bytes of its part
			RepeatCount: chosen.span / len(baseToken)})
		// zxcvbn resumes the search one byte after the start of the repeat's last
		// character: after the repeat if that character is one byte, and not at all
		// (the offset is inside a character) otherwise
		from = j + 1
	}
	return ms
}

// repeat is a part of base characters written span/base times in a row.
type repeat struct{ base, span int }

// firstRepeat is the first position at or after from where a part (without a line
// break) is followed at once by itself, with the shortest and the longest such part
// each repeated as often as it is.
func firstRepeat(r []rune, from int) (at int, short, long repeat) {
	for at = from; at < len(r); at++ {
		maxBase := 0
		for maxBase < len(r)-at && r[at+maxBase] != '\n' {
			maxBase++
		}
		found := false
		for base := 1; base <= maxBase && at+2*base <= len(r); base++ {
			if span := repeatSpan(r, at, base); span > 0 {
				if !found {
					short, found = repeat{base, span}, true
				}
				long = repeat{base, span}
			}
		}
		if found {
			return at, short, long
		}
	}
	return -1, repeat{}, repeat{}
}

// repeatSpan is how many characters r[at:at+base] covers written as often as it
// follows itself, or 0 if it does not follow itself at once.
func repeatSpan(r []rune, at, base int) int {
	span := base
	for at+span+base <= len(r) && slices.Equal(r[at:at+base], r[at+span:at+span+base]) {
		span += base
	}
	if span == base {
		return 0
	}
	return span
}

// shortestPeriod is the length of the shortest part that token is written with, twice
// or more.
func shortestPeriod(token []rune) int {
	for base := 1; base <= len(token)/2; base++ {
		if len(token)%base == 0 && repeatSpan(token, 0, base) == len(token) {
			return base
		}
	}
	return len(token)
}

// runeIndex is the index of the character that starts at byte offset b of s, or -1 if
// none does (len(s) gives the number of characters).
func runeIndex(s string, b int) int {
	n := 0
	for i := range s {
		if i == b {
			return n
		}
		n++
	}
	if b == len(s) {
		return n
	}
	return -1
}

// byteOffset is the byte offset of the character at index n of s (len(s) past the end).
func byteOffset(s string, n int) int {
	k := 0
	for i := range s {
		if k == n {
			return i
		}
		k++
	}
	return len(s)
}

// sequenceMatches finds runs of characters with a constant step of 1 to 5 (abcd, 9753).
func sequenceMatches(password string) []*match.Match {
	var ms []*match.Match
	if len(password) <= 1 {
		return ms
	}
	add := func(i, j, step int) {
		abs := max(step, -step)
		if (j-i <= 1 && abs != 1) || abs == 0 || abs > 5 {
			return
		}
		token := password[i : j+1]
		name, space := "unicode", 26
		switch {
		case allBytesIn(token, 'a', 'z'):
			name = "lower"
		case allBytesIn(token, 'A', 'Z'):
			name = "upper"
		case allBytesIn(token, '0', '9'):
			name, space = "digits", 10
		}
		ms = append(ms, &match.Match{Pattern: "sequence", I: i, J: j, Token: token,
			SequenceName: name, SequenceSpace: space, Ascending: step > 0})
	}
	start, step := 0, int(password[1])-int(password[0])
	for k := 2; k < len(password); k++ {
		if d := int(password[k]) - int(password[k-1]); d != step {
			add(start, k-1, step)
			start, step = k-1, d
		}
	}
	add(start, len(password)-1, step)
	return ms
}

func allBytesIn(s string, lo, hi byte) bool {
	for k := 0; k < len(s); k++ {
		if s[k] < lo || s[k] > hi {
			return false
		}
	}
	return s != ""
}

// recentYearMatches finds the years 1900 to 2019, left to right without overlap.
func recentYearMatches(password string) []*match.Match {
	var ms []*match.Match
	for i := 0; i+4 <= len(password); {
		y := password[i : i+4]
		if allBytesIn(y, '0', '9') && (y[:2] == "19" || y[:3] == "200" || y[:3] == "201") {
			ms = append(ms, &match.Match{Pattern: "regex", I: i, J: i + 3, Token: y, RegexName: "recent_year"})
			i += 4
			continue
		}
		i++
	}
	return ms
}

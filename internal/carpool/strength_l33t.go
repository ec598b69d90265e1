package carpool

import (
	"slices"
	"strings"

	"github.com/trustelem/zxcvbn/match"
)

// l33tTable lists, for each letter, the characters written for it in l33t.
var l33tTable = [...]struct {
	letter byte
	subs   string
}{
	{'a', "4@"}, {'b', "8"}, {'c', "({[<"}, {'e', "3"}, {'g', "69"}, {'i', "1!|"},
	{'l', "1|7"}, {'o', "0"}, {'s', "$5"}, {'t', "+7"}, {'x', "%"}, {'z', "2"},
}

// l33tPair reads one l33t character as a letter.
type l33tPair struct{ char, letter byte }

// l33tSub is one reading of l33t characters as letters, each character read as one
// letter.
type l33tSub []l33tPair

func (s l33tSub) letterFor(c byte) (byte, bool) {
	for _, p := range s {
		if p.char == c {
			return p.letter, true
		}
	}
	return 0, false
}

// l33tSubs are the readings zxcvbn tries: letters in alphabetical order each take one
// of their l33t characters that occur in password; when a character is already read
// as an earlier letter, both readings are kept, the earlier and the later one.
func l33tSubs(password string) []l33tSub {
	subs := []l33tSub{nil}
	for _, row := range l33tTable {
		var next []l33tSub
		for k := 0; k < len(row.subs); k++ {
			c := row.subs[k]
			if strings.IndexByte(password, c) < 0 {
				continue
			}
			for _, s := range subs {
				if at := slices.IndexFunc(s, func(p l33tPair) bool { return p.char == c }); at >= 0 {
					moved := slices.Clone(s)
					moved = slices.Delete(moved, at, at+1)
					next = append(next, s, append(moved, l33tPair{c, row.letter}))
				} else {
					next = append(next, append(slices.Clone(s), l33tPair{c, row.letter}))
				}
			}
		}
		if next == nil {
			continue // no l33t character of this letter in password
		}
		subs = distinctSubs(next)
	}
	return subs
}

// distinctSubs keeps the first of equal readings.
func distinctSubs(subs []l33tSub) []l33tSub {
	seen := map[string]bool{}
	var out []l33tSub
	for _, s := range subs {
		s = slices.Clone(s)
		slices.SortFunc(s, func(a, b l33tPair) int { return int(a.char) - int(b.char) })
		var key strings.Builder
		for _, p := range s {
			key.WriteByte(p.char)
			key.WriteByte(p.letter)
		}
		if !seen[key.String()] {
			seen[key.String()] = true
			out = append(out, s)
		}
	}
	return out
}

// l33tMatches finds listed words written with l33t characters (p4ssw0rd).
func (d dictionaries) l33tMatches(password string) []*match.Match {
	var ms []*match.Match
	for _, sub := range l33tSubs(password) {
		if len(sub) == 0 {
			break
		}
		read := []byte(password)
		for k, c := range read {
			if l, ok := sub.letterFor(c); ok {
				read[k] = l
			}
		}
		for _, m := range d.matches(string(read)) {
			token := password[m.I : m.J+1]
			if len(token) <= 1 || strings.ToLower(token) == m.MatchedWord {
				continue // a single character, or no l33t at all: not worth the noise
			}
			m.Sub = map[string]string{}
			for _, p := range sub {
				if strings.IndexByte(token, p.char) >= 0 {
					m.Sub[string(p.char)] = string(p.letter)
				}
			}
			m.L33t = true
			m.Token = token
			ms = append(ms, m)
		}
	}
	return ms
}

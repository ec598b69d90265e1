package carpool

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn/adjacency"
	"github.com/trustelem/zxcvbn/match"
	"github.com/trustelem/zxcvbn/scoring"
)

// The zxcvbn estimate, with our own pattern matching in front of the library's scoring.
// The library's matching package builds maps of all its word lists (~11 MB, ~50 ms) in
// its package initialisation, which every process paid on every start whether or not a
// password was ever checked; this file finds the same patterns (dictionary words, also
// reversed and in l33t, keyboard walks, repeats, sequences, recent years, dates) over the
// lists in strength_words.go, and the library's scoring package, which holds no word
// list, chooses the cheapest way to guess the whole password. The indices of a match
// are byte offsets, as the scoring expects.

// passwordGuesses estimates how many guesses an attacker needs for password, who also
// tries the member's own words (userWords) first.
func passwordGuesses(password string, userWords []string) float64 {
	if !utf8.ValidString(password) {
		return 0
	}
	return scoring.MostGuessableMatchSequence(password, allMatches(password, userWords), false).Guesses
}

// guessesScore maps guesses to zxcvbn's score from 0 (too guessable) to 4.
func guessesScore(guesses float64) int {
	const delta = 5 // zxcvbn's margin above each power of ten
	switch {
	case guesses < 1e3+delta:
		return 0
	case guesses < 1e6+delta:
		return 1
	case guesses < 1e8+delta:
		return 2
	case guesses < 1e10+delta:
		return 3
	}
	return 4
}

// allMatches is every pattern found in password, ordered by position.
func allMatches(password string, userWords []string) []*match.Match {
	dict := dictionaries{user: userRanks(userWords)}
	var ms []*match.Match
	ms = append(ms, dict.matches(password)...)
	ms = append(ms, dict.reversedMatches(password)...)
	ms = append(ms, dict.l33tMatches(password)...)
	ms = append(ms, spatialMatches(password)...)
	ms = append(ms, repeatMatches(password)...)
	ms = append(ms, sequenceMatches(password)...)
	ms = append(ms, recentYearMatches(password)...)
	ms = append(ms, dateMatches(password)...)
	match.Sort(ms)
	return ms
}

// userRanks ranks the member's own words in the order given, as a word list would.
func userRanks(words []string) map[string]int {
	ranks := make(map[string]int, len(words))
	for i, w := range words {
		ranks[strings.ToLower(w)] = i + 1
	}
	return ranks
}

// dictionaries are the built-in lists and the member's own words.
type dictionaries struct {
	user map[string]int
}

// matches finds every substring of password that a list holds, case aside. Substrings
// start and end at a character; one ending inside a multi-byte character, which the
// library's matcher also tries, cannot be a listed word.
func (d dictionaries) matches(password string) []*match.Match {
	var ms []*match.Match
	add := func(i, j int, word, list string, rank int) {
		ms = append(ms, &match.Match{Pattern: "dictionary", I: i, J: j, Token: password[i : j+1],
			MatchedWord: word, Rank: rank, DictionaryName: list})
	}
	for i := range password {
		for _, l := range strengthLists {
			for delta := range password[i:] {
				j := i + delta
				if password[j] >= utf8.RuneSelf {
					continue // ends inside a character
				}
				word := strings.ToLower(password[i : j+1])
				rank, found, prefix := l.words.lookup(word)
				if found {
					add(i, j, word, l.name, rank)
				}
				if !prefix {
					break // no listed word continues this one
				}
			}
		}
		for delta := range password[i:] {
			j := i + delta
			if password[j] >= utf8.RuneSelf {
				continue
			}
			word := strings.ToLower(password[i : j+1])
			if rank, ok := d.user[word]; ok {
				add(i, j, word, "user_inputs", rank)
			}
		}
	}
	return ms
}

// reversedMatches finds listed words written backwards (drowssap).
func (d dictionaries) reversedMatches(password string) []*match.Match {
	r := []rune(password)
	slices.Reverse(r)
	ms := d.matches(string(r))
	last := len(password) - 1
	for _, m := range ms {
		back := []rune(m.Token)
		slices.Reverse(back)
		m.Token = string(back)
		m.Reversed = true
		m.I, m.J = last-m.J, last-m.I
	}
	return ms
}

// l33tTable lists, for each letter, the characters written for it in l33t.
var l33tTable = [...]struct {
	letter byte
	subs   string
}{
	{'a', "4@"}, {'b', "8"}, {'c', "({[<"}, {'e', "3"}, {'g', "69"}, {'i', "1!|"},
	{'l', "1|7"}, {'o', "0"}, {'s', "$5"}, {'t', "+7"}, {'x', "%"}, {'z', "2"},
}

// l33tSub is one reading of l33t characters as letters: pairs (character, letter),
// each character read as one letter.
type l33tSub []struct{ char, letter byte }

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
				if at := slices.IndexFunc(s, func(p struct{ char, letter byte }) bool { return p.char == c }); at >= 0 {
					moved := slices.Clone(s)
					moved = slices.Delete(moved, at, at+1)
					next = append(next, s, append(moved, struct{ char, letter byte }{c, row.letter}))
				} else {
					next = append(next, append(slices.Clone(s), struct{ char, letter byte }{c, row.letter}))
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
		slices.SortFunc(s, func(a, b struct{ char, letter byte }) int { return int(a.char) - int(b.char) })
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

// dateSplits are the ways to cut a run of digits of each length into day, month and
// year (in some order): the offsets where the second and third part start.
var dateSplits = map[int][][2]int{
	4: {{1, 2}, {2, 3}},
	5: {{1, 3}, {2, 3}},
	6: {{1, 2}, {2, 4}, {4, 5}},
	7: {{1, 3}, {2, 3}, {4, 5}, {4, 6}},
	8: {{2, 4}, {4, 6}},
}

// dateMatches finds dates, with separators (1.1.91, 2015-06-04) or without (11191,
// 19910101), dropping those inside a longer one.
func dateMatches(password string) []*match.Match {
	var found []*match.Match
	for i := 0; i+4 <= len(password); i++ {
		for j := i + 3; j <= i+7 && j < len(password); j++ {
			token := password[i : j+1]
			if !digitRun(token) {
				continue
			}
			var best *date
			for _, s := range dateSplits[len(token)] {
				d := readDate(token[:s[0]], token[s[0]:s[1]], token[s[1]:])
				if d != nil && (best == nil || d.distance() < best.distance()) {
					best = d
				}
			}
			if best != nil {
				found = append(found, &match.Match{Pattern: "date", I: i, J: j, Token: token,
					Year: best.year, Month: best.month, Day: best.day})
			}
		}
	}
	for i := 0; i+6 <= len(password); i++ {
		for j := i + 5; j <= i+9 && j < len(password); j++ {
			token := password[i : j+1]
			a, sep, b, c, ok := splitDate(token)
			if !ok {
				continue
			}
			if d := readDate(a, b, c); d != nil {
				found = append(found, &match.Match{Pattern: "date", I: i, J: j, Token: token, Separator: sep,
					Year: d.year, Month: d.month, Day: d.day})
			}
		}
	}
	var ms []*match.Match
	for _, m := range found {
		inside := slices.ContainsFunc(found, func(o *match.Match) bool { return o != m && o.I <= m.I && o.J >= m.J })
		if !inside {
			ms = append(ms, m)
		}
	}
	return ms
}

// zxcvbn reads dates with .NET-style regular expressions: a digit is any Unicode
// decimal digit (read as the number 0 when it is not an ASCII one), a separator any
// white space or one of /\_.-, and the end of the text may come before a final line
// break. The two functions below read the same.

// digitRun reports whether token is 4 to 8 digits, maybe followed by a line break.
func digitRun(token string) bool {
	digits, rest := leadingDigits(strings.TrimSuffix(token, "\n"), 8)
	return rest == "" && utf8.RuneCountInString(digits) >= 4
}

// leadingDigits splits s after its first digits, at most most of them.
func leadingDigits(s string, most int) (digits, rest string) {
	end, n := 0, 0
	for end < len(s) && n < most {
		r, size := utf8.DecodeRuneInString(s[end:])
		if !unicode.IsDigit(r) {
			break
		}
		end += size
		n++
	}
	return s[:end], s[end:]
}

// splitDate cuts token into 1–4 digits, a separator, 1–2 digits, the same separator
// and 1–4 digits (maybe followed by a line break).
func splitDate(token string) (a, sep, b, c string, ok bool) {
	digits := leadingDigits
	separator := func(s string) (string, string) {
		r, size := utf8.DecodeRuneInString(s)
		if size == 0 || !(unicode.IsSpace(r) || strings.ContainsRune(`/\_.-`, r)) {
			return "", s
		}
		return s[:size], s[size:]
	}
	rest := token
	if a, rest = digits(rest, 4); a == "" {
		return
	}
	if sep, rest = separator(rest); sep == "" {
		return
	}
	if b, rest = digits(rest, 2); b == "" || !strings.HasPrefix(rest, sep) {
		return
	}
	rest = rest[len(sep):]
	if c, rest = digits(rest, 4); c == "" || (rest != "" && rest != "\n") {
		return
	}
	return a, sep, b, c, true
}

type date struct{ day, month, year int }

func (d *date) distance() int {
	return max(d.year-scoring.ReferenceYear, scoring.ReferenceYear-d.year)
}

// readDate reads three numbers as a day, a month and a year (two digits or 1000–2050),
// the year first or last; nil if they cannot be one.
func readDate(s1, s2, s3 string) *date {
	n1, _ := strconv.Atoi(s1)
	n2, _ := strconv.Atoi(s2)
	n3, _ := strconv.Atoi(s3)
	if n2 > 31 || n2 <= 0 {
		return nil // the middle is a day or a month, never a year
	}
	over12, over31, under1 := 0, 0, 0
	for _, n := range [3]int{n1, n2, n3} {
		if (n > 99 && n < 1000) || n > 2050 {
			return nil
		}
		if n > 31 {
			over31++
		}
		if n > 12 {
			over12++
		}
		if n <= 0 {
			under1++
		}
	}
	if over31 >= 2 || over12 == 3 || under1 >= 2 {
		return nil
	}
	orders := [2][3]int{{n3, n1, n2}, {n1, n2, n3}} // year last, year first
	for _, o := range orders {
		if o[0] >= 1000 && o[0] <= 2050 {
			return dayMonth(o[1], o[2], o[0])
		}
	}
	for _, o := range orders {
		if d := dayMonth(o[1], o[2], o[0]); d != nil {
			switch {
			case d.year > 99:
			case d.year > 50:
				d.year += 1900
			default:
				d.year += 2000
			}
			return d
		}
	}
	return nil
}

// dayMonth reads a and b as day and month, or month and day.
func dayMonth(a, b, year int) *date {
	switch {
	case a <= 31 && b <= 12:
		return &date{day: a, month: b, year: year}
	case b <= 31 && a <= 12:
		return &date{day: b, month: a, year: year}
	}
	return nil
}

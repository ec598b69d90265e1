package carpool

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn/match"
	"github.com/trustelem/zxcvbn/scoring"
)

// dateSplits are the ways to cut a run of digits of each length into day, month and
// year (in some order): the offsets where the second and third part start.
var dateSplits = [...][][2]int{
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

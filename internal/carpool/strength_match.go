package carpool

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn/match"
	"github.com/trustelem/zxcvbn/scoring"
)

// The zxcvbn estimate, with our own pattern matching in front of the library's scoring.
// The library's matching package builds maps of all its word lists (~11 MB, ~50 ms) in
// its package initialisation, which every process paid on every start whether or not a
// password was ever checked. Our strength_*.go files find the same patterns (dictionary
// words, also reversed and in l33t, keyboard walks, repeats, sequences, recent years,
// dates) over the lists in strength_words.go, and the library's scoring package, which
// holds no word list, chooses the cheapest way to guess the whole password. The indices
// of a match are byte offsets, as the scoring expects; where the library's matching
// reads a password in a surprising way, ours reads it the same, so that the verdicts
// stay the library's (the tests and the fuzz target compare them).

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

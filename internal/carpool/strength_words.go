package carpool

import (
	_ "embed"
	"strconv"
	"strings"
)

// The word lists of the password-strength estimate: common passwords, English words,
// names, film and television words. They are embedded as sorted "word<TAB>rank" lines
// and searched in place, so they cost nothing before a password is checked (the strings
// live in the binary's read-only data, paged in by the kernel when touched) and no map
// is ever built. A rank is the word's position in its frequency list: rank 1 is guessed
// first. strengthwords/gen_strength_words.go writes the files.

//go:generate go run ./strengthwords/gen_strength_words.go

var (
	//go:embed strengthwords/passwords.txt
	wordsPasswords string
	//go:embed strengthwords/english_wikipedia.txt
	wordsEnglish string
	//go:embed strengthwords/female_names.txt
	wordsFemaleNames string
	//go:embed strengthwords/male_names.txt
	wordsMaleNames string
	//go:embed strengthwords/surnames.txt
	wordsSurnames string
	//go:embed strengthwords/us_tv_and_film.txt
	wordsTVAndFilm string
)

// sortedWords is one embedded list: lines "word\trank\n" in byte order of word.
type sortedWords string

// rankedList is a list the dictionary matcher searches, under the name the scoring
// reports.
type rankedList struct {
	name  string
	words sortedWords
}

// strengthLists are the built-in lists, in a fixed order.
var strengthLists = [...]rankedList{
	{"passwords", sortedWords(wordsPasswords)},
	{"english_wikipedia", sortedWords(wordsEnglish)},
	{"female_names", sortedWords(wordsFemaleNames)},
	{"male_names", sortedWords(wordsMaleNames)},
	{"surnames", sortedWords(wordsSurnames)},
	{"us_tv_and_film", sortedWords(wordsTVAndFilm)},
}

// lookup finds word: its rank if it is listed, and whether any listed word starts with
// it (if none does, no longer string that starts with word can be listed either, and
// the matcher stops extending it).
func (s sortedWords) lookup(word string) (rank int, found, prefix bool) {
	at := s.lowerBound(word)
	if at == len(s) {
		return 0, false, false
	}
	w, r := s.line(at)
	if w == word {
		n, _ := strconv.Atoi(r)
		return n, true, true
	}
	return 0, false, strings.HasPrefix(w, word)
}

// lowerBound is the offset of the first line whose word is not less than word, or
// len(s). It bisects byte offsets and steps back to the start of the line hit, so it
// needs no index of line starts.
func (s sortedWords) lowerBound(word string) int {
	lo, hi := 0, len(s) // both line starts (or the end)
	for lo < hi {
		mid := lo + (hi-lo)/2
		start := lo + strings.LastIndexByte(string(s[lo:mid]), '\n') + 1
		w, _ := s.line(start)
		if w < word {
			lo = start + strings.IndexByte(string(s[start:]), '\n') + 1
		} else {
			hi = start
		}
	}
	return lo
}

// line splits the line starting at offset at into its word and its rank.
func (s sortedWords) line(at int) (word, rank string) {
	rest := string(s[at:])
	if end := strings.IndexByte(rest, '\n'); end >= 0 {
		rest = rest[:end]
	}
	word, rank, _ = strings.Cut(rest, "\t")
	return word, rank
}

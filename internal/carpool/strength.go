package carpool

import (
	"strings"
	"unicode"
)

// MinPasswordScore is the weakest zxcvbn score accepted: 3 means an attacker needs at least
// 10^8 guesses, more than our throttling and hashing allow online and a serious effort
// offline.
const MinPasswordScore = 3

// strengthPrefix bounds the runes the estimator looks at: its matching grows fast with
// length, and a password that is weak in its first 64 characters is weak.
const strengthPrefix = 64

// checkPasswordStrength refuses passwords that are easy to guess: common ones, keyboard
// walks, repetitions, dates, and those built from the member's own name or e-mail address.
func checkPasswordStrength(password, email, name string) error {
	personal := personalWords(email, name)
	p := password
	if r := []rune(p); len(r) > strengthPrefix {
		p = string(r[:strengthPrefix])
	}
	if guessesScore(passwordGuesses(p, personal)) >= MinPasswordScore {
		return nil
	}
	lower := strings.ToLower(password)
	for _, w := range personal {
		if len(w) >= 3 && strings.Contains(lower, w) {
			return FieldErrorf(EINVALID, "password",
				"password is too easy to guess: it contains your name or e-mail address; choose words that have nothing to do with you")
		}
	}
	return FieldErrorf(EINVALID, "password",
		"password is too easy to guess (common words, sequences like 1234 or repeated characters are found quickly); "+
			"try three or four unrelated words, such as a short sentence only you would make up")
}

// personalWords are the member's own strings an attacker would try first: the whole
// address, its local part, the parts of both, and the name, its parts and the parts run
// together (ann.smith and "Ann Smith" both give annsmith).
func personalWords(email, name string) []string {
	var words []string
	add := func(s string) {
		s = strings.ToLower(strings.TrimSpace(s))
		if s != "" && !contains(words, s) {
			words = append(words, s)
		}
	}
	add(email)
	local, domain, _ := strings.Cut(email, "@")
	add(local)
	split := func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
	parts := strings.FieldsFunc(local, split)
	for _, part := range parts {
		add(part)
	}
	add(strings.Join(parts, ""))
	for _, part := range strings.Split(domain, ".") {
		add(part)
	}
	add(name)
	parts = strings.FieldsFunc(name, split)
	for _, part := range parts {
		add(part)
	}
	add(strings.Join(parts, ""))
	add("carpool")
	return words
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

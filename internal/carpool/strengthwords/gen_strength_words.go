//go:build ignore

// Command gen_strength_words writes the password-strength word lists as sorted
// "word<TAB>rank" lines, one file per list, so that the server can search them in place
// (binary search over the embedded bytes) instead of building maps at start-up. The
// ranks are the library's: a word's position in its frequency list, counted from 1,
// the last position winning when a word appears twice.
//
// Run from internal/carpool: go run ./strengthwords/gen_strength_words.go
package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/trustelem/zxcvbn/frequency"
)

func main() {
	for name, list := range frequency.FrequencyLists {
		ranks := map[string]int{}
		for i, w := range list {
			ranks[strings.ToLower(w)] = i + 1
		}
		words := make([]string, 0, len(ranks))
		for w := range ranks {
			if strings.ContainsAny(w, "\t\n") {
				log.Fatalf("%s: %q holds a separator", name, w)
			}
			words = append(words, w)
		}
		slices.Sort(words)
		var b strings.Builder
		for _, w := range words {
			fmt.Fprintf(&b, "%s\t%d\n", w, ranks[w])
		}
		if err := os.WriteFile(filepath.Join("strengthwords", name+".txt"), []byte(b.String()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

package web

import (
	"time"

	"carpool/internal/locale"
)

// TemplateFuncNames are the helpers the templates may call, for tests that parse the
// templates on their own.
func TemplateFuncNames() []string {
	var names []string
	for name := range templateFuncs(time.UTC, locale.ForCode("en", locale.Default)) {
		names = append(names, name)
	}
	return names
}

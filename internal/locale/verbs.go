package locale

import "regexp"

// verbs matches the fmt verbs of a format, with their flags, argument index, width and
// precision; %% is a literal percent sign, not a verb.
var verbs = regexp.MustCompile(`%(?:%|[-+# 0]*(?:\[\d+\])?(?:\d+|\*)?(?:\.(?:\d+|\*)?)?[a-zA-Z])`)

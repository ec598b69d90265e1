package web

import (
	"html/template"
	"sync"
	"time"

	"golang.org/x/text/language"

	"carpool/internal/locale"
)

// zone is where the reader of a page reads times: a member's own zone, else the
// installation's default (CARPOOL_TIMEZONE). Times typed into forms are read in the same
// zone, so what a member types is what they see afterwards.
func (s *Server) zone(me *session) *time.Location {
	if me == nil {
		return s.loc
	}
	return me.Member.Location(s.loc)
}

// zonedPages holds the pages of each language and zone readers have used, made on first
// use: the templates' time helpers are bound to a zone, and html/template escapes a set
// once, when it first runs, which is too slow to do on every request.
type zonedPages struct {
	parsed map[string]*template.Template
	mu     sync.Mutex
	sets   map[zoneKey]map[string]*template.Template
}

type zoneKey struct {
	lang language.Tag
	zone string
}

// maxZonedSets bounds the cache; past it, a rare zone's pages are made per request.
const maxZonedSets = 200

func newZonedPages(parsed map[string]*template.Template) *zonedPages {
	return &zonedPages{parsed: parsed, sets: map[zoneKey]map[string]*template.Template{}}
}

// page returns the page name in p's language with times shown in loc.
func (z *zonedPages) page(p *locale.Printer, loc *time.Location, name string) (*template.Template, bool) {
	key := zoneKey{p.Tag(), loc.String()}
	z.mu.Lock()
	defer z.mu.Unlock()
	set, ok := z.sets[key]
	if !ok {
		set = make(map[string]*template.Template, len(z.parsed))
		for n, t := range z.parsed {
			set[n] = template.Must(t.Clone()).Funcs(templateFuncs(loc, locale.For(p.Tag())))
		}
		if len(z.sets) < maxZonedSets {
			z.sets[key] = set
		}
	}
	t, ok := set[name]
	return t, ok
}

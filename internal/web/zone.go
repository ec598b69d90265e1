package web

import (
	"time"
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

package web

import (
	"net/http"
	"net/url"

	"carpool/internal/carpool"
)

// ParkingListsPath is the page of every site's parking list: where site security lands
// after signing in, and wherever else it turns.
const ParkingListsPath = "/parking"

// parkingSitesPage lists the sites, each with a link to its list of today (in the
// site's zone).
type parkingSitesPage struct {
	Sites []parkingSiteLink
}

type parkingSiteLink struct {
	Name, Address, Link string
}

func (s *Server) parkingSites(w http.ResponseWriter, r *http.Request, me *session) error {
	sites, err := s.app.ParkingSites(r.Context(), me.Member)
	if err != nil {
		return err
	}
	var page parkingSitesPage
	for _, site := range sites {
		today := carpool.DateOf(s.now().In(carpool.ZoneOr(site.TimeZone, s.zone(me))))
		page.Sites = append(page.Sites, parkingSiteLink{Name: site.Name, Address: site.Address,
			Link: "/fleet/sites/" + url.PathEscape(site.ID) + "/parking?date=" + today.String()})
	}
	s.render(w, r, http.StatusOK, "parking_sites", me, page)
	return nil
}

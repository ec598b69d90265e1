package app

import (
	"context"
	"fmt"
	"sort"

	"carpool/internal/carpool"
)

// PlaceInput describes a new saved place; the coordinates are required (a pin on the
// map or a search result, never typed).
type PlaceInput struct {
	Name    string
	Address string
	Lat     *float64
	Lon     *float64
}

// PlacePatch changes a saved place; nil fields stay as they are.
type PlacePatch struct {
	Name    *string
	Address *string
	Lat     *float64
	Lon     *float64
}

// Places lists me's saved places, Home first, then by name.
func (a *App) Places(ctx context.Context, me carpool.Member) ([]carpool.SavedPlace, error) {
	if me.ID == "" {
		return nil, carpool.Errorf(carpool.EUNAUTHORIZED, "sign in to see your places")
	}
	places, err := a.store.Places(ctx, me.ID)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(places, func(i, j int) bool {
		return places[i].Name == carpool.HomePlace && places[j].Name != carpool.HomePlace
	})
	return places, nil
}

// Place returns one of me's saved places; anyone else's is not found.
func (a *App) Place(ctx context.Context, me carpool.Member, id string) (carpool.SavedPlace, error) {
	p, err := a.store.Place(ctx, id)
	if err != nil {
		return carpool.SavedPlace{}, err
	}
	if !p.VisibleTo(me) {
		return carpool.SavedPlace{}, carpool.Errorf(carpool.ENOTFOUND, "place not found")
	}
	return p, nil
}

// CreatePlace saves a place for me.
func (a *App) CreatePlace(ctx context.Context, me carpool.Member, in PlaceInput) (carpool.SavedPlace, error) {
	if me.ID == "" {
		return carpool.SavedPlace{}, carpool.Errorf(carpool.EUNAUTHORIZED, "sign in to save places")
	}
	// A missing coordinate is reported with every other wrong field: the place is
	// checked with 0 in its place, which is valid and so adds no error of its own.
	var missing []error
	var lat, lon float64
	if in.Lat == nil {
		missing = append(missing, carpool.FieldErrorf(carpool.EINVALID, "lat", "pick the place on the map"))
	} else {
		lat = *in.Lat
	}
	if in.Lon == nil {
		missing = append(missing, carpool.FieldErrorf(carpool.EINVALID, "lon", "pick the place on the map"))
	} else {
		lon = *in.Lon
	}
	now := a.Now()
	p := carpool.SavedPlace{
		ID: carpool.NewID(), MemberID: me.ID, Name: in.Name, Address: in.Address, Lat: lat, Lon: lon,
		Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	if err := carpool.JoinInvalid(append([]error{p.Validate()}, missing...)...); err != nil {
		return carpool.SavedPlace{}, err
	}
	if err := a.store.CreatePlace(ctx, p); err != nil {
		return carpool.SavedPlace{}, fmt.Errorf("create place: %w", err)
	}
	return p, nil
}

// UpdatePlace changes one of me's places if its version is still ifVersion (0: any).
func (a *App) UpdatePlace(ctx context.Context, me carpool.Member, id string, ifVersion int, patch PlacePatch) (carpool.SavedPlace, error) {
	if _, err := a.Place(ctx, me, id); err != nil {
		return carpool.SavedPlace{}, err
	}
	return a.store.UpdatePlace(ctx, id, ifVersion, func(p *carpool.SavedPlace) error {
		if patch.Name != nil {
			p.Name = *patch.Name
		}
		if patch.Address != nil {
			p.Address = *patch.Address
		}
		if patch.Lat != nil {
			p.Lat = *patch.Lat
		}
		if patch.Lon != nil {
			p.Lon = *patch.Lon
		}
		return nil
	})
}

// DeletePlace forgets one of me's places.
func (a *App) DeletePlace(ctx context.Context, me carpool.Member, id string) error {
	if _, err := a.Place(ctx, me, id); err != nil {
		return err
	}
	return a.store.DeletePlace(ctx, id)
}

// Choice is a place a member can pick in a place field without a map.
type Choice struct {
	// Key identifies the choice in a form: "place:ID" or "site:ID".
	Key   string
	Name  string
	Place carpool.Place
	Site  bool
}

// maxSiteChoices bounds the sites a place field lists; a company with more sites than
// this finds the others on the map.
const maxSiteChoices = 100

// PlaceChoices returns what every place field offers first: me's saved places (Home
// first), then the company's sites.
func (a *App) PlaceChoices(ctx context.Context, me carpool.Member) ([]Choice, error) {
	places, err := a.Places(ctx, me)
	if err != nil {
		return nil, err
	}
	sites, _, err := a.store.Sites(ctx, carpool.Page{Limit: maxSiteChoices})
	if err != nil {
		return nil, err
	}
	out := make([]Choice, 0, len(places)+len(sites))
	for _, p := range places {
		out = append(out, Choice{Key: "place:" + p.ID, Name: p.Name, Place: p.Place()})
	}
	for _, s := range sites {
		out = append(out, Choice{Key: "site:" + s.ID, Name: s.Name, Place: carpool.SitePlace(s), Site: true})
	}
	return out, nil
}

// ResolveChoice returns the place a choice key names, if me may pick it.
func (a *App) ResolveChoice(ctx context.Context, me carpool.Member, key string) (carpool.Place, error) {
	switch {
	case len(key) > 6 && key[:6] == "place:":
		p, err := a.Place(ctx, me, key[6:])
		if err != nil {
			return carpool.Place{}, err
		}
		return p.Place(), nil
	case len(key) > 5 && key[:5] == "site:":
		s, err := a.store.Site(ctx, key[5:])
		if err != nil {
			return carpool.Place{}, err
		}
		return carpool.SitePlace(s), nil
	}
	return carpool.Place{}, carpool.Errorf(carpool.ENOTFOUND, "no such place")
}

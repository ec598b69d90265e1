package carpool

import "context"

// PlaceStore keeps members' saved places.
type PlaceStore interface {
	// CreatePlace stores a place; ECONFLICT (field name) if the member has one of that
	// name already.
	CreatePlace(ctx context.Context, p SavedPlace) error
	// Place returns a place; the caller decides whether the viewer may see it.
	Place(ctx context.Context, id string) (SavedPlace, error)
	// Places returns a member's places by name, at most MaxSavedPlaces.
	Places(ctx context.Context, memberID string) ([]SavedPlace, error)
	// UpdatePlace applies change to the place if its version equals ifVersion (0: any
	// version), increments the version and returns the result.
	UpdatePlace(ctx context.Context, id string, ifVersion int, change func(*SavedPlace) error) (SavedPlace, error)
	DeletePlace(ctx context.Context, id string) error
}

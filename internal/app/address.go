package app

import (
	"context"
	"errors"
	"fmt"

	"carpool/internal/carpool"
)

// AddressSearch finds places by a typed address; internal/geocode implements it.
type AddressSearch interface {
	Search(ctx context.Context, query string) ([]carpool.Place, error)
}

// ErrAddressSearchOff is returned by SearchAddress when no geocoder is configured.
var ErrAddressSearchOff = errors.New("address search is not configured")

// AddressSearchOn reports whether SearchAddress may find anything, so forms offer it
// only then.
func (a *App) AddressSearchOn() bool { return a.geocoder != nil }

// SearchAddress returns places matching a typed address, for a signed-in member (the
// geocoder's capacity is the company's, not the internet's).
func (a *App) SearchAddress(ctx context.Context, me carpool.Member, query string) ([]carpool.Place, error) {
	if me.ID == "" {
		return nil, carpool.Errorf(carpool.EUNAUTHORIZED, "sign in to search addresses")
	}
	if a.geocoder == nil {
		return nil, ErrAddressSearchOff
	}
	places, err := a.geocoder.Search(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("search address: %w", err)
	}
	return places, nil
}

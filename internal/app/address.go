package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"carpool/internal/carpool"
)

// AddressSearch finds places by a typed address; internal/geocode implements it.
type AddressSearch interface {
	Search(ctx context.Context, query string) ([]carpool.Place, error)
}

// ErrAddressSearchOff is the cause in SearchAddress's error when no geocoder is
// configured (CARPOOL_GEOCODER_URL unset).
var ErrAddressSearchOff = errors.New("address search is not configured")

// MaxAddressQuery is the longest address, in characters, SearchAddress looks up: longer
// text is no address, and the geocoder's capacity is shared.
const MaxAddressQuery = 200

// addressSearchRetry is how long a caller should wait after the geocoder failed: its
// client asks at most once a second, and a failure is seldom over sooner.
const addressSearchRetry = 30 * time.Second

// AddressSearchOn reports whether SearchAddress may find anything, so forms offer it
// only then.
func (a *App) AddressSearchOn() bool { return a.geocoder != nil }

// SearchAddress returns places matching a typed address, for a signed-in member (the
// geocoder's capacity is the company's, not the internet's). The API and the web forms
// both search through it. Blank text finds nothing. When address search is off or the
// geocoder fails, the error is EUNAVAILABLE "address search unavailable", wrapping the
// cause for the log.
func (a *App) SearchAddress(ctx context.Context, me carpool.Member, query string) ([]carpool.Place, error) {
	if me.ID == "" {
		return nil, carpool.Errorf(carpool.EUNAUTHORIZED, "sign in to search addresses")
	}
	query = strings.Join(strings.Fields(query), " ")
	if utf8.RuneCountInString(query) > MaxAddressQuery {
		return nil, carpool.FieldErrorf(carpool.EINVALID, "q", "an address has at most %d characters", MaxAddressQuery)
	}
	if a.geocoder == nil {
		return nil, fmt.Errorf("search address: %w: %w", carpool.Errorf(carpool.EUNAVAILABLE, "address search unavailable"), ErrAddressSearchOff)
	}
	if query == "" {
		return []carpool.Place{}, nil
	}
	// The database's count bounds a member's searches across replicas; the gate then
	// queues them in this process, whose geocoder client answers one at a time, so a
	// burst does not hold others back here.
	if err := a.admitAddressSearch(ctx, me.ID); err != nil {
		return nil, fmt.Errorf("search address: %w", err)
	}
	release, err := a.addressGate.enter(ctx, me.ID)
	if err != nil {
		return nil, err
	}
	defer release()
	places, err := a.geocoder.Search(ctx, query)
	if err != nil {
		unavailable := &carpool.Error{Code: carpool.EUNAVAILABLE, Message: "address search unavailable", RetryAfter: addressSearchRetry}
		return nil, fmt.Errorf("search address: %w: %w", unavailable, err)
	}
	if places == nil {
		places = []carpool.Place{}
	}
	return places, nil
}

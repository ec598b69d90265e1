package telemetry

import (
	"context"

	"carpool/internal/carpool"
)

func (s *instrumentedStore) CreatePlace(ctx context.Context, p carpool.SavedPlace) (err error) {
	ctx, end := s.start(ctx, "CreatePlace")
	defer func() { end(err) }()
	return s.next.CreatePlace(ctx, p)
}

func (s *instrumentedStore) Place(ctx context.Context, id string) (_ carpool.SavedPlace, err error) {
	ctx, end := s.start(ctx, "Place")
	defer func() { end(err) }()
	return s.next.Place(ctx, id)
}

func (s *instrumentedStore) Places(ctx context.Context, memberID string) (_ []carpool.SavedPlace, err error) {
	ctx, end := s.start(ctx, "Places")
	defer func() { end(err) }()
	return s.next.Places(ctx, memberID)
}

func (s *instrumentedStore) UpdatePlace(ctx context.Context, id string, ifVersion int, change func(*carpool.SavedPlace) error) (_ carpool.SavedPlace, err error) {
	ctx, end := s.start(ctx, "UpdatePlace")
	defer func() { end(err) }()
	return s.next.UpdatePlace(ctx, id, ifVersion, change)
}

func (s *instrumentedStore) DeletePlace(ctx context.Context, id string) (err error) {
	ctx, end := s.start(ctx, "DeletePlace")
	defer func() { end(err) }()
	return s.next.DeletePlace(ctx, id)
}

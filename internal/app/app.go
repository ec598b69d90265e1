// Package app holds carpool's use cases, each written once: who acts, whether they may,
// and what changes. The REST API, the web UI and the command line call it and only
// translate between their wire formats and these calls.
//
// Every method takes the acting member (the zero Member for anonymous callers) and
// returns domain values and coded *carpool.Error values. Authorisation is decided here:
// a resource the caller may not see is reported as not found, exactly as an unknown id.
package app

import (
	"context"
	"log/slog"
	"time"

	"carpool/internal/carpool"
)

// Options configure an App. The zero value is usable: sign-up closed, the wall clock.
type Options struct {
	// Signup says which email domains may create an account by themselves.
	Signup carpool.SignupPolicy
	// Now is the clock for token lifetimes and "upcoming"; tests may stop it.
	Now func() time.Time
	// Emission is the factor reports count avoided CO₂ with; zero means
	// carpool.DefaultEmissionFactor.
	Emission carpool.EmissionFactor
	// Logger receives the failures that must not fail a use case that already
	// happened (an audit line that could not be written).
	Logger *slog.Logger
}

// App is the application layer over a Store.
type App struct {
	store  carpool.Store
	signup carpool.SignupPolicy
	now    func() time.Time
	log    *slog.Logger
	co2    carpool.EmissionFactor
}

// New returns the use cases over store.
func New(store carpool.Store, opts Options) *App {
	a := &App{store: store, signup: opts.Signup, now: opts.Now, log: opts.Logger, co2: opts.Emission}
	if a.co2 == 0 {
		a.co2 = carpool.DefaultEmissionFactor
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	return a
}

// Now returns the application's clock reading, truncated as the store keeps times.
func (a *App) Now() time.Time { return carpool.Timestamp(a.now()) }

// Ping checks that the store answers; readiness probes use it.
func (a *App) Ping(ctx context.Context) error { return a.store.Ping(ctx) }

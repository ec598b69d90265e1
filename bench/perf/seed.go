package main

import (
	"context"
	"fmt"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// fixture is what the load needs: an admin token, passengers with tokens, rides to book
// and a site to read.
type fixture struct {
	AdminToken string
	Passengers []string // tokens
	Rides      []string
	SiteID     string
	Day        time.Time // the rides leave on this day, 12:00 UTC and after
}

// seed creates the fixture through the store (no HTTP): one admin, n passengers, rides
// of 7 seats by drivers in private cars, all leaving the day after tomorrow near Berlin.
func seed(ctx context.Context, s carpool.Store, passengers, rides int) (fixture, error) {
	now := carpool.Timestamp(time.Now())
	fx := fixture{Day: now.Truncate(24 * time.Hour).Add(48 * time.Hour)}
	member := func(i int, role carpool.Role) (carpool.Member, string, error) {
		m := carpool.Member{ID: carpool.NewID(), Email: fmt.Sprintf("bench%d-%d@example.com", i, now.UnixNano()), Name: "Bench", Role: role,
			PasswordHash: "unused", CreatedAt: now, UpdatedAt: now}
		if err := s.CreateMember(ctx, m); err != nil {
			return m, "", fmt.Errorf("seed member: %w", err)
		}
		t, secret, err := carpool.NewToken(m.ID, now)
		if err != nil {
			return m, "", err
		}
		if err := s.CreateToken(ctx, t); err != nil {
			return m, "", fmt.Errorf("seed token: %w", err)
		}
		return m, secret, nil
	}
	_, admin, err := member(-1, carpool.RoleAdmin)
	if err != nil {
		return fx, err
	}
	fx.AdminToken = admin
	site := carpool.Site{ID: carpool.NewID(), Name: "Berlin HQ", Address: "Unter den Linden 1", Lat: 52.517, Lon: 13.3889, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := s.CreateSite(ctx, site); err != nil {
		return fx, fmt.Errorf("seed site: %w", err)
	}
	fx.SiteID = site.ID
	// Rides are offered by as many drivers as the fair-use limit needs (each below the
	// default of 20 open rides, each in a private car of their own), as a real pool
	// would have them: the limit binds members, and the bench must not lift it.
	const perDriver = 16
	var driver carpool.Member
	var car carpool.Car
	offer := app.New(s, app.Options{})
	for i := range rides {
		if i%perDriver == 0 {
			driver, _, err = member(-2-i/perDriver, carpool.RoleMember)
			if err != nil {
				return fx, err
			}
			car = carpool.Car{ID: carpool.NewID(), Kind: carpool.CarPrivate, Plate: fmt.Sprintf("B-%d-%d", i/perDriver, now.UnixNano()%1e9), Make: "VW", Model: "ID.4",
				Seats: 8, OwnerID: driver.ID, Status: carpool.CarActive, Version: 1, CreatedAt: now, UpdatedAt: now}
			if err := s.CreateCar(ctx, car); err != nil {
				return fx, fmt.Errorf("seed car: %w", err)
			}
		}
		r, err := offer.OfferRide(ctx, driver, carpool.RideInput{CarID: car.ID,
			From: carpool.Place{Label: "Berlin HQ", Lat: 52.517, Lon: 13.3889}, To: carpool.Place{Label: "Potsdam", Lat: 52.3906, Lon: 13.0645},
			DepartAt: fx.Day.Add(12*time.Hour + time.Duration(i)*time.Minute), Seats: 7, BookingMode: carpool.BookingInstant})
		if err != nil {
			return fx, fmt.Errorf("seed ride %d: %w", i, err)
		}
		fx.Rides = append(fx.Rides, r.ID)
	}
	for i := range passengers {
		_, tok, err := member(i, carpool.RoleMember)
		if err != nil {
			return fx, err
		}
		fx.Passengers = append(fx.Passengers, tok)
	}
	return fx, nil
}

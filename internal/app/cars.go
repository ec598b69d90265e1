package app

import (
	"context"
	"fmt"

	"carpool/internal/carpool"
)

// CarInput describes a new car: a pool car at a site, or the caller's own private car.
type CarInput struct {
	Kind   carpool.CarKind
	Plate  string
	Make   string
	Model  string
	Seats  *int // required
	SiteID string
}

// CarPatch changes a car; nil fields stay as they are. Status may become active or
// maintenance; retiring is RetireCar.
type CarPatch struct {
	Plate  *string
	Make   *string
	Model  *string
	Seats  *int
	SiteID *string
	Status *carpool.CarStatus
}

var errCarNotFound = carpool.Errorf(carpool.ENOTFOUND, "car not found")

// Car returns a car me may see: any pool car, and only their own private cars.
func (a *App) Car(ctx context.Context, me carpool.Member, id string) (carpool.Car, error) {
	c, err := a.store.Car(ctx, id)
	if err != nil {
		return carpool.Car{}, err
	}
	if !c.VisibleTo(me) {
		return carpool.Car{}, errCarNotFound
	}
	return c, nil
}

// Cars lists the cars f selects among those me may see (admins see every car).
func (a *App) Cars(ctx context.Context, me carpool.Member, f carpool.CarFilter, p carpool.Page) ([]carpool.Car, string, error) {
	if f.Kind != "" && f.Kind != carpool.CarPool && f.Kind != carpool.CarPrivate {
		return nil, "", carpool.FieldErrorf(carpool.EINVALID, "kind", "kind must be pool or private")
	}
	if me.Role != carpool.RoleAdmin {
		f.VisibleTo = me.ID
	}
	return a.store.Cars(ctx, f, p)
}

// CreateCar adds a pool car (fleet managers and admins, at a site) or me's own private
// car.
func (a *App) CreateCar(ctx context.Context, me carpool.Member, in CarInput) (carpool.Car, error) {
	var missing error
	seats := carpool.MinCarSeats // stands in for a missing count, so the other fields are still checked
	if in.Seats == nil {
		missing = carpool.Required("seats")
	} else {
		seats = *in.Seats
	}
	now := a.Now()
	c := carpool.Car{
		ID: carpool.NewID(), Kind: in.Kind, Plate: in.Plate, Make: in.Make, Model: in.Model,
		Seats: seats, SiteID: in.SiteID, Status: carpool.CarActive, Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	switch c.Kind {
	case carpool.CarPool:
		if !me.ManagesFleet() {
			return carpool.Car{}, carpool.FieldErrorf(carpool.EFORBIDDEN, "kind", "only fleet managers and admins can add pool cars")
		}
	case carpool.CarPrivate:
		if in.SiteID != "" {
			missing = carpool.JoinInvalid(missing, carpool.FieldErrorf(carpool.EINVALID, "site_id", "a private car belongs to no site"))
		}
		c.OwnerID = me.ID
	}
	if err := carpool.JoinInvalid(missing, c.Validate()); err != nil {
		return carpool.Car{}, err
	}
	if err := a.store.CreateCar(ctx, c); err != nil {
		return carpool.Car{}, fmt.Errorf("create car: %w", err)
	}
	if c.Kind == carpool.CarPool {
		a.audit(ctx, me, carpool.AuditCarCreated, "car", c.ID, c.Plate)
	}
	return c, nil
}

// UpdateCar changes a car me may manage if its version is still ifVersion (0: any).
func (a *App) UpdateCar(ctx context.Context, me carpool.Member, id string, ifVersion int, p CarPatch) (carpool.Car, error) {
	return a.changeCar(ctx, me, id, ifVersion, carpool.AuditCarChanged, func(c *carpool.Car) error {
		if c.Status == carpool.CarRetired {
			return carpool.Errorf(carpool.ECONFLICT, "car is retired")
		}
		if p.Plate != nil {
			c.Plate = *p.Plate
		}
		if p.Make != nil {
			c.Make = *p.Make
		}
		if p.Model != nil {
			c.Model = *p.Model
		}
		if p.Seats != nil {
			c.Seats = *p.Seats
		}
		if p.SiteID != nil {
			if c.Kind != carpool.CarPool {
				return carpool.FieldErrorf(carpool.EINVALID, "site_id", "a private car belongs to no site")
			}
			c.SiteID = *p.SiteID
		}
		if p.Status != nil {
			if *p.Status != carpool.CarActive && *p.Status != carpool.CarMaintenance {
				return carpool.FieldErrorf(carpool.EINVALID, "status", "status must be active or maintenance; retiring is a separate action")
			}
			c.Status = *p.Status
		}
		return c.Validate()
	})
}

// RetireCar takes a car out of service for good; its history stays. Retiring a retired
// car again succeeds, as a repeated DELETE should.
func (a *App) RetireCar(ctx context.Context, me carpool.Member, id string, ifVersion int) (carpool.Car, error) {
	return a.changeCar(ctx, me, id, ifVersion, carpool.AuditCarRetired, func(c *carpool.Car) error {
		c.Status = carpool.CarRetired
		return nil
	})
}

// changeCar applies change to a car that me may see and manage, checked against the car
// as it is under its lock (which every new ride, commute day and reservation of the car
// also takes) and against what it carries; a pool car's change goes into the audit log
// as action, in the same transaction.
func (a *App) changeCar(ctx context.Context, me carpool.Member, id string, ifVersion int, action string, change func(*carpool.Car) error) (carpool.Car, error) {
	var out carpool.Car
	err := a.store.InTx(ctx, func(tx carpool.Tx) error {
		now := tx.Now()
		old, err := tx.LockCar(ctx, id)
		if err != nil {
			return err
		}
		if !old.VisibleTo(me) {
			return errCarNotFound
		}
		if ifVersion != 0 && old.Version != ifVersion {
			return carpool.StaleVersion(carpool.Phrasef("car"), old.Version)
		}
		if !old.CanManage(me) {
			return carpool.Errorf(carpool.EFORBIDDEN, "only fleet managers and admins can change pool cars, and only owners their private cars")
		}
		c := old
		if err := change(&c); err != nil {
			return err
		}
		// A pool car may move to another site; what it is and whose it is stay.
		c.ID, c.Kind, c.OwnerID, c.CreatedAt = old.ID, old.Kind, old.OwnerID, old.CreatedAt
		if err := c.Validate(); err != nil {
			return err
		}
		load, err := tx.CarLoad(ctx, c.ID, now)
		if err != nil {
			return err
		}
		if err := carpool.CheckCarChange(old, c, load); err != nil {
			return err
		}
		c.Version, c.UpdatedAt = old.Version+1, now
		if err := tx.SaveCar(ctx, c, old.Version); err != nil {
			return err
		}
		out = c
		if c.Kind != carpool.CarPool {
			return nil
		}
		return tx.AppendAudit(ctx, carpool.NewAuditEntry(me, action, "car", c.ID,
			fmt.Sprintf("%s, %s, version %d", c.Plate, c.Status, c.Version), now))
	})
	if err != nil {
		return carpool.Car{}, fmt.Errorf("change car: %w", err)
	}
	return out, nil
}

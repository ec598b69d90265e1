package web

import (
	"cmp"
	"slices"

	"carpool/internal/carpool"
	"carpool/internal/locale"
)

// mapPoint is one point of a ride's map: its start, a stop, or its end.
type mapPoint struct {
	Lat, Lon float64
	// Kind is "from", "pickup", "dropoff" or "to": the map draws stops smaller.
	Kind  string
	Label string
	km    float64 // road distance from the start, which orders the stops
}

// routePoints are the ride's start, the pickups and drop-offs the viewer may know (the
// driver: confirmed passengers'; a passenger: their own, or the one they search with),
// and its end, in the order the car reaches them, so the map's line follows the way the
// driver goes instead of cutting from start to end.
func routePoints(p *locale.Printer, page ridePage) []mapPoint {
	ride := page.Ride
	var stops []mapPoint
	add := func(pickup, dropoff *carpool.Place, pickupLabel, dropoffLabel string) {
		in := ride.Insert(placePoint(pickup), placePoint(dropoff))
		if pickup != nil {
			stops = append(stops, mapPoint{Lat: pickup.Lat, Lon: pickup.Lon, Kind: "pickup", Label: pickupLabel, km: in.PickupKM})
		}
		if dropoff != nil {
			stops = append(stops, mapPoint{Lat: dropoff.Lat, Lon: dropoff.Lon, Kind: "dropoff", Label: dropoffLabel, km: in.DropoffKM})
		}
	}
	label := func(key string, pl *carpool.Place, args ...any) string {
		if pl == nil {
			return ""
		}
		return p.T(key, append(args, "Label", pl.Label)...)
	}
	switch {
	case page.IsDriver:
		for _, pass := range page.Passengers {
			b := pass.Booking
			add(b.Pickup, b.Dropoff, label("ride.pickup_of_who_label", b.Pickup, "Who", pass.Person.Name),
				label("ride.dropoff_of_who_label", b.Dropoff, "Who", pass.Person.Name))
		}
	case page.Pickup != nil:
		add(page.Pickup, page.Dropoff, label("ride.your_pickup_label", page.Pickup), label("ride.your_dropoff_label", page.Dropoff))
	case page.Mine != nil:
		add(page.Mine.Pickup, page.Mine.Dropoff, label("ride.your_pickup_label", page.Mine.Pickup), label("ride.your_dropoff_label", page.Mine.Dropoff))
	}
	slices.SortStableFunc(stops, func(a, b mapPoint) int { return cmp.Compare(a.km, b.km) })
	points := []mapPoint{{Lat: ride.From.Lat, Lon: ride.From.Lon, Kind: "from", Label: p.T("ride.start_label", "Label", ride.From.Label)}}
	points = append(points, stops...)
	return append(points, mapPoint{Lat: ride.To.Lat, Lon: ride.To.Lon, Kind: "to", Label: p.T("ride.end_label", "Label", ride.To.Label)})
}

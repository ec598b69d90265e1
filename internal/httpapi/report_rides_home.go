package httpapi

import "carpool/internal/carpool"

// rideHomeFiguresResponse is the report's account of guaranteed rides home.
type rideHomeFiguresResponse struct {
	Requests        int `json:"requests"`
	Approved        int `json:"approved"`
	ApprovedPoolCar int `json:"approved_pool_car"`
	ApprovedTaxi    int `json:"approved_taxi"`
	Declined        int `json:"declined"`
	Pending         int `json:"pending"`
}

func rideHomeFiguresOut(f carpool.RideHomeFigures) rideHomeFiguresResponse {
	return rideHomeFiguresResponse{Requests: f.Requests, Approved: f.Approved(), ApprovedPoolCar: f.PoolCar,
		ApprovedTaxi: f.Taxi, Declined: f.Declined, Pending: f.Pending}
}

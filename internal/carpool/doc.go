// Package carpool is the domain of the carpool service: members, sites, pool and private
// cars, reservations, rides, bookings and the events they raise. It holds the rules that
// every storage engine and every interface (REST API, web UI, CLI) share, and the Store
// contract the engines implement. It imports no database and no HTTP code.
package carpool

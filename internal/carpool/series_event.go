package carpool

import "time"

// Series event types. Passengers of a cancelled occurrence also get the booking.cancelled
// events that RideBook.CancelRide writes; these tell what no booking event says.
const (
	// EventSeriesSkipped tells each subscriber that a day will not run, also when its
	// ride was not made yet and so no booking was cancelled.
	EventSeriesSkipped = "series.skipped"
	// EventSeriesEnded tells the driver and each subscriber that the series has ended.
	EventSeriesEnded = "series.ended"
	// EventSeriesConflict tells the driver and every fleet manager that a day's pool-car
	// reservation collided with another reservation or a maintenance block.
	EventSeriesConflict = "series.conflict"
)

type seriesPayload struct {
	SeriesID string `json:"series_id"`
	DriverID string `json:"driver_id"`
	CarID    string `json:"car_id"`
	Date     string `json:"date,omitempty"`
	Status   string `json:"status"`
}

// SeriesEvent returns the outbox event about series s (and day d, if not zero) for
// recipient.
func SeriesEvent(typ string, s Series, d Date, recipient string, now time.Time) Event {
	return newEvent(typ, s.ID, recipient, seriesPayload{
		SeriesID: s.ID, DriverID: s.DriverID, CarID: s.CarID, Date: d.String(), Status: string(s.Status),
	}, now)
}

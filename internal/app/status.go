package app

import (
	"net/http"

	"carpool/internal/carpool"
)

// HTTPStatus returns the HTTP status that the code of err stands for. The REST API and
// the web UI both answer with it, so one refusal has one status on every edge.
func HTTPStatus(err error) int {
	switch carpool.ErrorCode(err) {
	case "":
		return http.StatusOK
	case carpool.EINVALID:
		return http.StatusUnprocessableEntity
	case carpool.ENOTFOUND:
		return http.StatusNotFound
	case carpool.ECONFLICT:
		return http.StatusConflict
	case carpool.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case carpool.EFORBIDDEN:
		return http.StatusForbidden
	case carpool.ETHROTTLED:
		return http.StatusTooManyRequests
	case carpool.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

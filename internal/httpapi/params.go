package httpapi

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"carpool/internal/carpool"
)

func intParam(v, name string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, badRequest(name, name+" must be an integer")
	}
	return n, nil
}

func floatParam(v, name string) (float64, error) {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, badRequest(name, name+" must be a number")
	}
	return f, nil
}

// pointParam reads "LAT,LON"; "" is no point.
func pointParam(v, name string) (*carpool.Point, error) {
	if v == "" {
		return nil, nil
	}
	lat, lon, ok := strings.Cut(v, ",")
	if !ok {
		return nil, badRequest(name, name+" must be LAT,LON")
	}
	la, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
	lo, err2 := strconv.ParseFloat(strings.TrimSpace(lon), 64)
	if err1 != nil || err2 != nil {
		return nil, badRequest(name, name+" must be LAT,LON")
	}
	return &carpool.Point{Lat: la, Lon: lo}, nil
}

// offsetPage reads ?limit= and a search cursor, which encodes the offset of the next
// result: search ranks by score, so there is no stable key to continue after.
func offsetPage(r *http.Request) (carpool.Page, int, error) {
	p, err := pageParam(r)
	if err != nil {
		return p, 0, err
	}
	after, _ := p.After() // pageParam checked it
	if after == "" {
		return p, 0, nil
	}
	n, ok := strings.CutPrefix(after, "offset:")
	offset, err := strconv.Atoi(n)
	if !ok || err != nil || offset < 0 {
		return p, 0, badCursor()
	}
	return p, offset, nil
}

func offsetCursor(offset int) string { return carpool.CursorAfter("offset:" + strconv.Itoa(offset)) }

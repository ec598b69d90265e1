package config_test

import (
	"strings"
	"testing"
	"time"

	"carpool/internal/config"
)

func TestSeriesHorizon(t *testing.T) {
	cases := []struct {
		name    string
		value   string
		want    time.Duration
		wantErr bool
	}{
		{"default is four weeks", "", 4 * 7 * 24 * time.Hour, false},
		{"twelve weeks is the most", "2016h", 12 * 7 * 24 * time.Hour, false},
		{"past the maximum", "2017h", 0, true},
		{"less than a day", "2h", 0, true},
		{"not a duration", "4w", 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{}
			if tc.value != "" {
				env["CARPOOL_SERIES_HORIZON"] = tc.value
			}
			c, err := config.Load(nil, envOf(env))
			if tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), "CARPOOL_SERIES_HORIZON") {
					t.Fatalf("got %v, want an error naming CARPOOL_SERIES_HORIZON", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.SeriesHorizon != tc.want || c.SeriesInterval != 5*time.Minute {
				t.Fatalf("got %s every %s, want %s every 5m", c.SeriesHorizon, c.SeriesInterval, tc.want)
			}
		})
	}
}

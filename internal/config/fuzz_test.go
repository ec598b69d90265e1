package config_test

import (
	"strings"
	"testing"

	"carpool/internal/config"
)

// FuzzValue gives one setting an arbitrary value: Load either accepts it or fails with a
// message that names the variable, and never panics.
func FuzzValue(f *testing.F) {
	names := config.EnvNames()
	for i, v := range []string{"", "5s", "-1s", "1e400", "0", "-1", ":8080", "[::1]:0", "host:99999", "sqlite://", "postgres://u:p@h:5432/db",
		"mysql://x", "sqlite://a?b", "UTC", "Mars/Base", "*,example.com", "a@b", "debug", "json", "\x00", "\xff"} {
		f.Add(uint8(i), v)
	}
	f.Fuzz(func(t *testing.T, which uint8, value string) {
		name := names[int(which)%len(names)]
		if strings.HasSuffix(name, "_FILE") {
			return // a path to read: the file system is not the input under test
		}
		c, err := config.Load(nil, func(k string) string {
			if k == name {
				return value
			}
			return ""
		})
		if err != nil {
			// The course's POSTGRES_* keys build the database URL, whose check names it.
			built := strings.HasPrefix(name, "POSTGRES_") && strings.Contains(err.Error(), "CARPOOL_DATABASE_URL")
			if !strings.Contains(err.Error(), name) && !built {
				t.Fatalf("%s=%q: got %q, want an error naming %s", name, value, err, name)
			}
			return
		}
		if c.DatabaseURL == "" || c.HTTPAddr == "" {
			t.Fatalf("%s=%q: loaded %+v without a database URL or address", name, value, c)
		}
	})
}

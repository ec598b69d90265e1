package config_test

import (
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/config"
)

func envOf(m map[string]string) config.Environ {
	return func(k string) string { return m[k] }
}

func TestLoadDefaults(t *testing.T) {
	c, err := config.Load(nil, envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "sqlite://carpool.db" || c.Engine() != "sqlite" || c.SQLitePath() != "carpool.db" {
		t.Errorf("database: got %q (%s, %s), want the SQLite default", c.DatabaseURL, c.Engine(), c.SQLitePath())
	}
	if c.HTTPAddr != ":8080" || c.AdminAddr != ":9090" {
		t.Errorf("addrs: got %q %q, want :8080 :9090", c.HTTPAddr, c.AdminAddr)
	}
	if c.ShutdownDelay != 5*time.Second || c.ShutdownTimeout != 20*time.Second {
		t.Errorf("shutdown: got %v %v, want 5s 20s", c.ShutdownDelay, c.ShutdownTimeout)
	}
	if p := c.Parking(); p.RadiusM != 300 || p.Zone != time.UTC {
		t.Errorf("parking: got %+v, want 300 m in UTC", p)
	}
	if rule, secret := c.CheckIn(); rule.RadiusM != 500 || len(secret) != 0 {
		t.Errorf("check-in: got %+v and a %d-byte secret, want 500 m and none (made up at start)", rule, len(secret))
	}
	if c.LogFormat != "json" || c.LogLevel != slog.LevelInfo || c.Timezone != time.UTC {
		t.Errorf("logs/tz: got %q %v %v", c.LogFormat, c.LogLevel, c.Timezone)
	}
	if got := c.DefaultLanguage.String(); got != "en" {
		t.Errorf("default language: got %s, want en", got)
	}
	if c.DBMaxConns != 10 || c.DBConnTimeout != 5*time.Second || c.DBStatementTimeout != 30*time.Second {
		t.Errorf("database pool: got %d %v %v, want 10 5s 30s", c.DBMaxConns, c.DBConnTimeout, c.DBStatementTimeout)
	}
	if len(c.SignupDomains) != 0 {
		t.Errorf("signup: got %v, want closed", c.SignupDomains)
	}
}

func TestLoadPostgresFromCourseKeys(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwFile, []byte("s3cr:t@/\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(nil, envOf(map[string]string{
		"POSTGRES_HOST": "db.carpool.svc", "POSTGRES_DB": "cp", "POSTGRES_USER": "app",
		"POSTGRES_PASSWORD_FILE": pwFile, "POSTGRES_SSLMODE": "disable",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := "postgres://app:s3cr%3At%40%2F@db.carpool.svc:5432/cp?sslmode=disable"
	if c.DatabaseURL != want || c.Engine() != "postgres" {
		t.Errorf("got %q, want %q", c.DatabaseURL, want)
	}
}

func TestFlagsWinOverEnvironment(t *testing.T) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	flags := config.Bind(fs)
	if err := fs.Parse([]string{"--http-addr", "127.0.0.1:9999"}); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(flags, envOf(map[string]string{"CARPOOL_HTTP_ADDR": ":7000", "CARPOOL_ADMIN_ADDR": ":7001"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != "127.0.0.1:9999" || c.AdminAddr != ":7001" {
		t.Errorf("got %q %q, want the flag for http and the env for admin", c.HTTPAddr, c.AdminAddr)
	}
}

func TestInvalidValuesNameTheVariable(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"bad duration", map[string]string{"CARPOOL_SHUTDOWN_DELAY": "soon"}, "CARPOOL_SHUTDOWN_DELAY"},
		{"bad addr", map[string]string{"CARPOOL_HTTP_ADDR": "8080"}, "CARPOOL_HTTP_ADDR"},
		{"bad level", map[string]string{"CARPOOL_LOG_LEVEL": "loud"}, "CARPOOL_LOG_LEVEL"},
		{"bad format", map[string]string{"CARPOOL_LOG_FORMAT": "xml"}, "CARPOOL_LOG_FORMAT"},
		{"bad zone", map[string]string{"CARPOOL_TIMEZONE": "Mars/Base"}, "CARPOOL_TIMEZONE"},
		{"bad language", map[string]string{"CARPOOL_DEFAULT_LANGUAGE": "fr"}, "CARPOOL_DEFAULT_LANGUAGE"},
		{"parking radius not a number", map[string]string{"CARPOOL_PARKING_RADIUS": "near"}, "CARPOOL_PARKING_RADIUS"},
		{"parking radius too small", map[string]string{"CARPOOL_PARKING_RADIUS": "5"}, "CARPOOL_PARKING_RADIUS"},
		{"parking radius too large", map[string]string{"CARPOOL_PARKING_RADIUS": "5001"}, "CARPOOL_PARKING_RADIUS"},
		{"parking radius NaN", map[string]string{"CARPOOL_PARKING_RADIUS": "NaN"}, "CARPOOL_PARKING_RADIUS"},
		{"check-in radius not a number", map[string]string{"CARPOOL_CHECKIN_RADIUS": "close"}, "CARPOOL_CHECKIN_RADIUS"},
		{"check-in radius too small", map[string]string{"CARPOOL_CHECKIN_RADIUS": "49"}, "CARPOOL_CHECKIN_RADIUS"},
		{"check-in radius too large", map[string]string{"CARPOOL_CHECKIN_RADIUS": "5001"}, "CARPOOL_CHECKIN_RADIUS"},
		{"check-in secret too short", map[string]string{"CARPOOL_CHECKIN_SECRET": "short"}, "CARPOOL_CHECKIN_SECRET"},
		{"check-in secret twice", map[string]string{"CARPOOL_CHECKIN_SECRET": strings.Repeat("s", 32), "CARPOOL_CHECKIN_SECRET_FILE": "/x"}, "CARPOOL_CHECKIN_SECRET"},
		{"bad domain", map[string]string{"CARPOOL_SIGNUP_DOMAINS": "a@b.com"}, "CARPOOL_SIGNUP_DOMAINS"},
		{"bad scheme", map[string]string{"CARPOOL_DATABASE_URL": "mysql://x"}, "CARPOOL_DATABASE_URL"},
		{"bad port", map[string]string{"POSTGRES_PORT": "http"}, "POSTGRES_PORT"},
		{"file and value", map[string]string{"POSTGRES_PASSWORD": "a", "POSTGRES_PASSWORD_FILE": "/x"}, "POSTGRES_PASSWORD"},
		{"missing file", map[string]string{"POSTGRES_PASSWORD_FILE": "/does/not/exist"}, "POSTGRES_PASSWORD_FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load(nil, envOf(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error naming %s", err, tt.want)
			}
		})
	}
}

func TestSecretsAreMasked(t *testing.T) {
	c, err := config.Load(nil, envOf(map[string]string{"CARPOOL_DATABASE_URL": "postgres://app:hunter2hunter2@db:5432/cp"}))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	slog.New(slog.NewJSONHandler(&b, nil)).Info("config", "config", c)
	if strings.Contains(b.String(), "hunter2") {
		t.Errorf("log line leaks the password: %s", b.String())
	}
	if !strings.Contains(b.String(), "postgres://app:xxxxx@db:5432/cp") {
		t.Errorf("log line lacks the masked URL: %s", b.String())
	}
	if _, err := config.Load(nil, envOf(map[string]string{"CARPOOL_DATABASE_URL": "bogus://app:hunter2@x"})); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error leaks or is missing: %v", err)
	}
}

func TestEnvNamesIncludeFileVariants(t *testing.T) {
	names := strings.Join(config.EnvNames(), " ")
	for _, want := range []string{"CARPOOL_DATABASE_URL", "CARPOOL_DATABASE_URL_FILE", "POSTGRES_PASSWORD_FILE", "CARPOOL_SHUTDOWN_TIMEOUT"} {
		if !strings.Contains(names, want) {
			t.Errorf("EnvNames lacks %s", want)
		}
	}
}

// TestHelpShowsEffectiveDefaults: the help of a setting whose default Load fills in
// later shows that default, not an empty one.
func TestHelpShowsEffectiveDefaults(t *testing.T) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	config.Bind(fs)
	cases := []struct{ flag, want string }{
		{"database-url", `default "sqlite://carpool.db`},
		{"http-addr", `default ":8080"`},
	}
	for _, tc := range cases {
		f := fs.Lookup(tc.flag)
		if f == nil {
			t.Fatalf("flag %s: not bound", tc.flag)
		}
		if !strings.Contains(f.Usage, tc.want) {
			t.Errorf("flag %s: got usage %q, want it to contain %s", tc.flag, f.Usage, tc.want)
		}
	}
}

func TestLimits(t *testing.T) {
	c, err := config.Load(nil, envOf(map[string]string{}))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Limits(), carpool.DefaultLimits(); got != want {
		t.Fatalf("defaults: got %+v, want carpool.DefaultLimits %+v", got, want)
	}
	c, err = config.Load(nil, envOf(map[string]string{
		"CARPOOL_MAX_ADVANCE": "720h", "CARPOOL_MAX_RESERVATION": "0s",
		"CARPOOL_MAX_OPEN_RIDES": "3", "CARPOOL_MAX_ACTIVE_RESERVATIONS": "0", "CARPOOL_MAX_MESSAGES_PER_HOUR": "0",
		"CARPOOL_MAX_THREAD_MESSAGES": "7", "CARPOOL_MAX_RIDE_HOMES_PER_YEAR": "2",
		"CARPOOL_NOSHOW_LIMIT": "3", "CARPOOL_NOSHOW_PERIOD": "168h",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := carpool.Limits{MaxAdvance: 720 * time.Hour, MaxOpenRides: 3, MaxCommutes: 5, MaxScheduledRides: 60, MaxThreadMessages: 7, MaxRideHomesPerYear: 2,
		MaxNoShows: 3, NoShowPeriod: 168 * time.Hour}
	if got := c.Limits(); got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for _, bad := range []map[string]string{
		{"CARPOOL_MAX_OPEN_RIDES": "-1"},
		{"CARPOOL_MAX_MESSAGES_PER_HOUR": "lots"},
		{"CARPOOL_MAX_OPEN_RIDES": "many"},
		{"CARPOOL_MAX_ACTIVE_RESERVATIONS": "1.5"},
		{"CARPOOL_MAX_ADVANCE": "1y"},
		{"CARPOOL_NOSHOW_LIMIT": "-2"},
		{"CARPOOL_NOSHOW_PERIOD": "0s"},
		{"CARPOOL_NOSHOW_PERIOD": "a month"},
	} {
		_, err := config.Load(nil, envOf(bad))
		for k := range bad {
			if err == nil || !strings.Contains(err.Error(), k) {
				t.Errorf("%v: got %v, want an error naming %s", bad, err, k)
			}
		}
	}
}

func TestMaskArgsHidesSecrets(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"flag with equals", []string{"carpool", "serve", "--database-url=postgres://u:pw@db/x"},
			[]string{"carpool", "serve", "--database-url=xxxxx"}},
		{"flag then value", []string{"carpool", "serve", "-database-url", "postgres://u:pw@db/x", "--http-addr", ":1"},
			[]string{"carpool", "serve", "-database-url", "xxxxx", "--http-addr", ":1"}},
		{"password flag", []string{"carpool", "--postgres-password", "pw"},
			[]string{"carpool", "--postgres-password", "xxxxx"}},
		{"URL in another flag", []string{"carpool", "--other=postgres://u:pw@db/x"},
			[]string{"carpool", "--other=postgres://u:xxxxx@db/x"}},
		{"plain", []string{"carpool", "serve", "--log-level=debug"},
			[]string{"carpool", "serve", "--log-level=debug"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := config.MaskArgs(tt.in)
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if strings.Contains(strings.Join(got, " "), "pw") {
				t.Errorf("got %q, which still holds the password", got)
			}
		})
	}
}

func TestOIDCSettings(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	full := map[string]string{
		"CARPOOL_OIDC_ISSUER":             "https://login.example.com/realms/acme",
		"CARPOOL_OIDC_CLIENT_ID":          "carpool",
		"CARPOOL_OIDC_CLIENT_SECRET_FILE": secret,
		"CARPOOL_OIDC_REDIRECT_URL":       "https://carpool.example.com/auth/oidc/callback",
		"CARPOOL_OIDC_DOMAINS":            "Example.com",
		"CARPOOL_OIDC_ROLES":              "fleet=fleet_manager, boss=admin",
		"CARPOOL_PASSWORD_SIGNIN":         "false",
	}
	c, err := config.Load(nil, envOf(full))
	if err != nil {
		t.Fatal(err)
	}
	if !c.OIDC.Enabled() || c.OIDC.ClientSecret != "s3cret" || c.OIDC.Domains[0] != "example.com" ||
		c.OIDC.Roles["boss"] != "admin" || c.OIDC.RoleClaim != "groups" || c.PasswordSignIn {
		t.Errorf("got %+v, password sign-in %v", c.OIDC, c.PasswordSignIn)
	}
	tests := []struct {
		name, drop, set, value, want string
	}{
		{"no client id", "CARPOOL_OIDC_CLIENT_ID", "", "", "CARPOOL_OIDC_CLIENT_ID"},
		{"no secret", "CARPOOL_OIDC_CLIENT_SECRET_FILE", "", "", "CARPOOL_OIDC_CLIENT_SECRET"},
		{"no domains", "CARPOOL_OIDC_DOMAINS", "", "", "CARPOOL_OIDC_DOMAINS"},
		{"bad redirect", "", "CARPOOL_OIDC_REDIRECT_URL", "https://carpool.example.com/", "CARPOOL_OIDC_REDIRECT_URL"},
		{"bad role", "", "CARPOOL_OIDC_ROLES", "fleet=driver", "CARPOOL_OIDC_ROLES"},
		{"no way in", "CARPOOL_OIDC_ISSUER", "", "", "CARPOOL_PASSWORD_SIGNIN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range full {
				env[k] = v
			}
			delete(env, tt.drop)
			if tt.set != "" {
				env[tt.set] = tt.value
			}
			_, err := config.Load(nil, envOf(env))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error naming %s", err, tt.want)
			}
		})
	}
}

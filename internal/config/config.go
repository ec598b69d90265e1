// Package config reads carpool's configuration from environment variables and flags,
// declared once in a table (settings.go). Flags win over the environment; a secret X may
// also come from the file named by X_FILE, the convention of the official postgres image,
// so Kubernetes Secrets can be mounted as files.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"

	"golang.org/x/text/language"

	"carpool/internal/carpool"
	"carpool/internal/outbound"
)

// Config is the effective configuration of one carpool process.
type Config struct {
	DatabaseURL     string // sqlite:///path or postgres://...
	HTTPAddr        string
	AdminAddr       string
	ShutdownDelay   time.Duration
	ShutdownTimeout time.Duration
	LogLevel        slog.Level
	LogFormat       string // json or text
	Timezone        *time.Location
	// DefaultLanguage speaks to those who chose no language and whose browser asks for
	// none that carpool speaks.
	DefaultLanguage language.Tag
	SignupDomains   []string
	DBMaxConns      int
	DBConnTimeout   time.Duration
	// DBStatementTimeout bounds each PostgreSQL statement of a request (not migrations).
	DBStatementTimeout time.Duration
	// TrustedProxies are the proxies whose X-Forwarded-For names the client.
	TrustedProxies []netip.Prefix
	// MaxPasswordHashes bounds concurrent password hashes; 0 derives it from the memory
	// limit.
	MaxPasswordHashes int
	// PasswordSignIn allows sign-in and sign-up by password.
	PasswordSignIn bool
	// KeepCalendarOnPasswordChange keeps calendar feed URLs working across a password
	// change.
	KeepCalendarOnPasswordChange bool
	// OIDC is single sign-on through an OpenID provider; off when Issuer is empty.
	OIDC OIDC
	// SeriesHorizon is how far ahead ride series are made into rides; SeriesInterval
	// how often a replica runs that pass.
	SeriesHorizon  time.Duration
	SeriesInterval time.Duration

	// CO2PerKM is the emission factor reports count avoided CO₂ with (kg CO₂e per km).
	CO2PerKM float64
	// ParkingRadiusM is how near a site, in metres, a ride must end to claim one of its
	// carpool parking spaces.
	ParkingRadiusM float64
	// CheckInRadiusM is how far from a ride's route or the rider's pickup, in metres,
	// a check-in's position may lie.
	CheckInRadiusM float64
	// CheckInSecret signs the sites' check-in codes and keys the identities of the
	// proof export; "" means a random one per process (see CheckIn).
	CheckInSecret string

	// Fair-use limits (see carpool.Limits); 0 turns one off.
	MaxAdvance            time.Duration
	MaxReservation        time.Duration
	MaxOpenRides          int
	MaxActiveReservations int
	MaxCommutes           int
	MaxScheduledRides     int
	MaxMessagesPerHour    int
	MaxRideHomesPerYear   int
	MaxThreadMessages     int
	NoShowLimit           int
	NoShowPeriod          time.Duration

	// The course's ConfigMap keys; used to build DatabaseURL when it is not set.
	PostgresHost     string
	PostgresPort     string
	PostgresDB       string
	PostgresUser     string
	PostgresPassword string
	PostgresSSLMode  string

	// Maps and address search (maps.go).
	MapTilesURL       string
	MapAttribution    string
	GeocoderURL       string // "" means address search is off
	GeocoderUserAgent string

	Notify Notify // notification delivery (notify.go)

	// Outbound is where webhooks and the geocoder may send requests.
	Outbound outbound.Policy
}

// Parking returns the settings of the carpool parking rule: the radius, and the zone of
// the sites that name none.
func (c *Config) Parking() carpool.Parking {
	return carpool.Parking{RadiusM: c.ParkingRadiusM, Zone: c.Timezone}
}

// CheckIn returns the check-in rule and secret; an empty secret is left to the
// application to make up (a random one per process, which serve warns about).
func (c *Config) CheckIn() (carpool.CheckInRule, []byte) {
	return carpool.CheckInRule{RadiusM: c.CheckInRadiusM}, []byte(c.CheckInSecret)
}

// Limits returns the configured fair-use limits.
func (c *Config) Limits() carpool.Limits {
	return carpool.Limits{
		MaxAdvance:            c.MaxAdvance,
		MaxReservation:        c.MaxReservation,
		MaxOpenRides:          c.MaxOpenRides,
		MaxActiveReservations: c.MaxActiveReservations,
		MaxCommutes:           c.MaxCommutes,
		MaxScheduledRides:     c.MaxScheduledRides,
		MaxMessagesPerHour:    c.MaxMessagesPerHour,
		MaxThreadMessages:     c.MaxThreadMessages,
		MaxRideHomesPerYear:   c.MaxRideHomesPerYear,
		MaxNoShows:            c.NoShowLimit,
		NoShowPeriod:          c.NoShowPeriod,
	}
}

// OIDC configures sign-in through an OpenID Connect provider.
type OIDC struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURL  string
	Name         string
	Domains      []string
	RoleClaim    string
	Roles        map[string]string // claim value -> role
	TrustEmail   bool              // accept e-mail addresses without email_verified
}

// Enabled reports whether single sign-on is configured.
func (o OIDC) Enabled() bool { return o.Issuer != "" }

// validateOIDC checks the settings that only make sense together.
func (c *Config) validateOIDC() error {
	if !c.OIDC.Enabled() {
		if !c.PasswordSignIn {
			return errors.New("invalid CARPOOL_PASSWORD_SIGNIN=false: nobody could sign in; set CARPOOL_OIDC_ISSUER too")
		}
		return nil
	}
	for _, req := range []struct{ env, v string }{
		{"CARPOOL_OIDC_CLIENT_ID", c.OIDC.ClientID},
		{"CARPOOL_OIDC_CLIENT_SECRET", c.OIDC.ClientSecret},
		{"CARPOOL_OIDC_REDIRECT_URL", c.OIDC.RedirectURL},
	} {
		if req.v == "" {
			return fmt.Errorf("missing %s: CARPOOL_OIDC_ISSUER is set", req.env)
		}
	}
	if len(c.OIDC.Domains) == 0 {
		return errors.New("missing CARPOOL_OIDC_DOMAINS: say which e-mail domains may sign in through the provider (* for any)")
	}
	return nil
}

// Engine returns "sqlite" or "postgres", from the database URL's scheme.
func (c *Config) Engine() string {
	if strings.HasPrefix(c.DatabaseURL, "postgres://") || strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return "postgres"
	}
	return "sqlite"
}

// SQLitePath returns the file path of a sqlite:// database URL.
func (c *Config) SQLitePath() string {
	p := strings.TrimPrefix(c.DatabaseURL, "sqlite://")
	if p == "" {
		return DefaultSQLitePath
	}
	return p
}

// DefaultSQLitePath is where `carpool serve` keeps its data when nothing is configured:
// the working directory (the image makes that a writable volume, /data).
const DefaultSQLitePath = "carpool.db"

// Environ reads a variable; os.Getenv in production, a map in tests.
type Environ func(key string) string

// Bind registers one flag per setting on fs. Call Load after fs.Parse.
func Bind(fs *flag.FlagSet) *Flags {
	f := &Flags{set: fs, values: map[string]*string{}}
	for _, s := range settings {
		def := s.def
		if s.shownDef != "" {
			def = s.shownDef
		}
		f.values[s.env] = fs.String(s.flag, "", fmt.Sprintf("%s (env %s, default %q)", s.usage, s.env, def))
	}
	return f
}

// Flags holds the flag values bound by Bind.
type Flags struct {
	set    *flag.FlagSet
	values map[string]*string
}

// flagValue returns the value of s's flag if it was given on the command line.
func (f *Flags) flagValue(s setting) (string, bool) {
	if f == nil {
		return "", false
	}
	given := false
	f.set.Visit(func(fl *flag.Flag) { given = given || fl.Name == s.flag })
	return *f.values[s.env], given
}

// Load builds the configuration from flags (may be nil), then the environment, then the
// defaults. It fails on the first invalid value, naming its variable.
func Load(flags *Flags, getenv Environ) (*Config, error) {
	c := &Config{}
	for _, s := range settings {
		v, err := lookup(s, flags, getenv)
		if err != nil {
			return nil, err
		}
		if err := s.apply(c, v); err != nil {
			return nil, fmt.Errorf("invalid %s=%q: %w", s.env, maskIf(s.secret, v), err)
		}
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = c.postgresURL()
	}
	if err := c.validateDatabaseURL(); err != nil {
		return nil, err
	}
	if err := c.validateOIDC(); err != nil {
		return nil, err
	}
	if err := c.validateNotify(); err != nil {
		return nil, err
	}
	return c, nil
}

// lookup returns a setting's value: the flag, else the variable, else (for secrets) the
// content of the file named by X_FILE, else the default.
func lookup(s setting, flags *Flags, getenv Environ) (string, error) {
	if v, ok := flags.flagValue(s); ok {
		return v, nil
	}
	v := getenv(s.env)
	if s.secret {
		if path := getenv(s.env + "_FILE"); path != "" {
			if v != "" {
				return "", fmt.Errorf("both %s and %s_FILE are set: use one", s.env, s.env)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return "", fmt.Errorf("read %s_FILE: %w", s.env, err)
			}
			// Files written by editors or `echo` end in a newline that is no part of
			// the secret.
			return strings.TrimRight(string(b), "\r\n"), nil
		}
	}
	if v == "" {
		return s.def, nil
	}
	return v, nil
}

// postgresURL builds a database URL from the course's POSTGRES_* keys, or returns the
// SQLite default when POSTGRES_HOST is unset.
func (c *Config) postgresURL() string {
	if c.PostgresHost == "" {
		return "sqlite://" + DefaultSQLitePath
	}
	u := url.URL{
		Scheme: "postgres",
		User:   url.UserPassword(c.PostgresUser, c.PostgresPassword),
		Host:   c.PostgresHost + ":" + c.PostgresPort,
		Path:   "/" + c.PostgresDB,
	}
	if c.PostgresPassword == "" {
		u.User = url.User(c.PostgresUser)
	}
	q := url.Values{}
	q.Set("sslmode", c.PostgresSSLMode)
	u.RawQuery = q.Encode()
	return u.String()
}

func (c *Config) validateDatabaseURL() error {
	switch {
	case strings.HasPrefix(c.DatabaseURL, "sqlite://"):
		return nil
	case strings.HasPrefix(c.DatabaseURL, "postgres://"), strings.HasPrefix(c.DatabaseURL, "postgresql://"):
		u, err := url.Parse(c.DatabaseURL)
		if err != nil {
			// url's error repeats the URL, password included: say less.
			return errors.New("invalid CARPOOL_DATABASE_URL: not a valid postgres:// URL")
		}
		if u.Host == "" {
			return errors.New("invalid CARPOOL_DATABASE_URL: postgres URL needs a host")
		}
		return nil
	default:
		return fmt.Errorf("invalid CARPOOL_DATABASE_URL=%q: must start with sqlite:// or postgres://", MaskURL(c.DatabaseURL))
	}
}

// EnvNames returns every environment variable the binary reads, _FILE variants included
// (not the standard OTEL_* and AWS_* ones, which their libraries read).
func EnvNames() []string {
	var names []string
	for _, s := range settings {
		names = append(names, s.env)
		if s.secret {
			names = append(names, s.env+"_FILE")
		}
	}
	return names
}

// LogValue makes a Config log as its effective settings with secrets masked.
func (c *Config) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("database", MaskURL(c.DatabaseURL))}
	for _, s := range settings {
		if s.env == "CARPOOL_DATABASE_URL" || strings.HasPrefix(s.env, "POSTGRES_") {
			continue // summarised by the database URL above
		}
		attrs = append(attrs, slog.String(s.env, maskIf(s.secret, s.show(c))))
	}
	return slog.GroupValue(attrs...)
}

// MaskURL hides the password of a URL.
func MaskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		if err != nil && strings.Contains(raw, "@") {
			return "(unparsable URL hidden)"
		}
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

func maskIf(secret bool, v string) string {
	if secret && v != "" {
		return "xxxxx"
	}
	return v
}

// MaskArgs returns a command line with the value of every secret flag hidden and the
// password of every URL masked, so that it can be shown (pprof's cmdline) without handing
// out the database credentials that an operator passed as a flag.
func MaskArgs(args []string) []string {
	secret := map[string]bool{}
	for _, s := range settings {
		if s.secret {
			secret[s.flag] = true
		}
	}
	out := make([]string, len(args))
	hideNext := false
	for i, a := range args {
		switch {
		case hideNext:
			out[i], hideNext = "xxxxx", false
			continue
		case strings.HasPrefix(a, "-"):
			name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if secret[name] {
				if hasValue {
					out[i] = a[:strings.Index(a, "=")+1] + "xxxxx"
				} else {
					out[i], hideNext = a, true
				}
				continue
			}
		}
		out[i] = maskEmbeddedURL(a)
	}
	return out
}

// maskEmbeddedURL masks the password of a URL that an argument is or ends with (as in
// --some-flag=postgres://user:pass@host/db), whatever flag carries it.
func maskEmbeddedURL(a string) string {
	i := strings.Index(a, "://")
	if i < 0 {
		return a
	}
	start := strings.LastIndexAny(a[:i], "= ") + 1
	return a[:start] + MaskURL(a[start:])
}

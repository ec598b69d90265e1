package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"carpool/internal/carpool"
	"carpool/internal/clientip"
	"carpool/internal/locale"
	"carpool/internal/outbound"
)

// setting is one configuration value: its variable, flag, default, and how it is parsed
// into a Config and shown back.
type setting struct {
	env    string
	flag   string
	def    string
	usage  string
	secret bool // may come from env_FILE; masked in logs
	// shownDef is the default that help shows when it is not def: a value Load fills
	// in later, when the setting's absence itself means something.
	shownDef string
	apply    func(c *Config, v string) error
	show     func(c *Config) string
}

var settings = []setting{
	{env: "CARPOOL_DATABASE_URL", flag: "database-url", usage: "database: sqlite:///path/carpool.db or postgres://user:pass@host:5432/db", secret: true,
		shownDef: "sqlite://" + DefaultSQLitePath + ", or PostgreSQL from POSTGRES_* when POSTGRES_HOST is set",
		apply:    func(c *Config, v string) error { c.DatabaseURL = v; return nil },
		show:     func(c *Config) string { return c.DatabaseURL }},
	{env: "POSTGRES_HOST", flag: "postgres-host", usage: "PostgreSQL host, used when CARPOOL_DATABASE_URL is unset; unset means SQLite",
		apply: func(c *Config, v string) error { c.PostgresHost = v; return nil },
		show:  func(c *Config) string { return c.PostgresHost }},
	{env: "POSTGRES_PORT", flag: "postgres-port", def: "5432", usage: "PostgreSQL port",
		apply: func(c *Config, v string) error {
			if _, err := parsePort(v); err != nil {
				return err
			}
			c.PostgresPort = v
			return nil
		},
		show: func(c *Config) string { return c.PostgresPort }},
	{env: "POSTGRES_DB", flag: "postgres-db", def: "carpool", usage: "PostgreSQL database name",
		apply: func(c *Config, v string) error { c.PostgresDB = v; return nil },
		show:  func(c *Config) string { return c.PostgresDB }},
	{env: "POSTGRES_USER", flag: "postgres-user", def: "carpool", usage: "PostgreSQL user", secret: true,
		apply: func(c *Config, v string) error { c.PostgresUser = v; return nil },
		show:  func(c *Config) string { return c.PostgresUser }},
	{env: "POSTGRES_PASSWORD", flag: "postgres-password", usage: "PostgreSQL password", secret: true,
		apply: func(c *Config, v string) error { c.PostgresPassword = v; return nil },
		show:  func(c *Config) string { return c.PostgresPassword }},
	{env: "POSTGRES_SSLMODE", flag: "postgres-sslmode", def: "prefer", usage: "PostgreSQL sslmode (disable, prefer, require, verify-full)",
		apply: func(c *Config, v string) error {
			switch v {
			case "disable", "allow", "prefer", "require", "verify-ca", "verify-full":
				c.PostgresSSLMode = v
				return nil
			}
			return errors.New("must be disable, allow, prefer, require, verify-ca or verify-full")
		},
		show: func(c *Config) string { return c.PostgresSSLMode }},
	{env: "CARPOOL_DB_MAX_CONNS", flag: "db-max-conns", def: "10", usage: "most open PostgreSQL connections per process",
		apply: func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				return errors.New("must be a whole number from 1 to 1000")
			}
			c.DBMaxConns = n
			return nil
		},
		show: func(c *Config) string { return strconv.Itoa(c.DBMaxConns) }},
	{env: "CARPOOL_DB_CONNECT_TIMEOUT", flag: "db-connect-timeout", def: "5s", usage: "how long to wait for a database connection",
		apply: durationInto(func(c *Config) *time.Duration { return &c.DBConnTimeout }),
		show:  func(c *Config) string { return c.DBConnTimeout.String() }},
	{env: "CARPOOL_DB_STATEMENT_TIMEOUT", flag: "db-statement-timeout", def: "30s", usage: "longest a PostgreSQL statement may run before the server cancels it",
		apply: durationInto(func(c *Config) *time.Duration { return &c.DBStatementTimeout }),
		show:  func(c *Config) string { return c.DBStatementTimeout.String() }},
	{env: "CARPOOL_HTTP_ADDR", flag: "http-addr", def: ":8080", usage: "listen address of the API, web UI and probes",
		apply: addrInto(func(c *Config) *string { return &c.HTTPAddr }),
		show:  func(c *Config) string { return c.HTTPAddr }},
	{env: "CARPOOL_ADMIN_ADDR", flag: "admin-addr", def: ":9090", usage: "listen address of /metrics and /debug/pprof (never expose it)",
		apply: addrInto(func(c *Config) *string { return &c.AdminAddr }),
		show:  func(c *Config) string { return c.AdminAddr }},
	{env: "CARPOOL_SHUTDOWN_DELAY", flag: "shutdown-delay", def: "5s", usage: "how long to keep serving after SIGTERM while load balancers notice /readyz is 503",
		apply: durationInto(func(c *Config) *time.Duration { return &c.ShutdownDelay }),
		show:  func(c *Config) string { return c.ShutdownDelay.String() }},
	{env: "CARPOOL_SHUTDOWN_TIMEOUT", flag: "shutdown-timeout", def: "20s", usage: "how long in-flight requests may take to finish at shutdown",
		apply: durationInto(func(c *Config) *time.Duration { return &c.ShutdownTimeout }),
		show:  func(c *Config) string { return c.ShutdownTimeout.String() }},
	{env: "CARPOOL_LOG_LEVEL", flag: "log-level", def: "info", usage: "debug, info, warn or error",
		apply: func(c *Config, v string) error { return c.LogLevel.UnmarshalText([]byte(v)) },
		show:  func(c *Config) string { return strings.ToLower(c.LogLevel.String()) }},
	{env: "CARPOOL_LOG_FORMAT", flag: "log-format", def: "json", usage: "json or text",
		apply: func(c *Config, v string) error {
			if v != "json" && v != "text" {
				return errors.New("must be json or text")
			}
			c.LogFormat = v
			return nil
		},
		show: func(c *Config) string { return c.LogFormat }},
	{env: "CARPOOL_TIMEZONE", flag: "timezone", def: "UTC", usage: "IANA time zone the web UI shows and reads times in",
		apply: func(c *Config, v string) error {
			loc, err := time.LoadLocation(v)
			if err != nil {
				return errors.New("unknown IANA time zone")
			}
			c.Timezone = loc
			return nil
		},
		show: func(c *Config) string { return c.Timezone.String() }},
	{env: "CARPOOL_DEFAULT_LANGUAGE", flag: "default-language", def: "en", usage: "language (en or de) of pages, e-mails and notifications for people who chose none and whose browser asks for neither",
		apply: func(c *Config, v string) error {
			tag, ok := locale.Parse(v)
			if !ok {
				return errors.New("must be en or de")
			}
			c.DefaultLanguage = tag
			return nil
		},
		show: func(c *Config) string { return locale.Code(c.DefaultLanguage) }},
	{env: "CARPOOL_SERIES_HORIZON", flag: "series-horizon", def: "672h", usage: "how far ahead ride series become bookable rides (at most 2016h, 12 weeks)",
		apply: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil {
				return errors.New("must be a duration like 672h (4 weeks)")
			}
			if carpool.ValidateHorizon(d) != nil {
				return fmt.Errorf("must be between 24h and %s (12 weeks)", durationHours(carpool.MaxSeriesHorizon))
			}
			c.SeriesHorizon = d
			return nil
		},
		show: func(c *Config) string { return durationHours(c.SeriesHorizon) }},
	{env: "CARPOOL_SERIES_INTERVAL", flag: "series-interval", def: "5m", usage: "how often each replica makes the due rides of ride series",
		apply: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < time.Second {
				return errors.New("must be a duration of at least 1s, like 5m")
			}
			c.SeriesInterval = d
			return nil
		},
		show: func(c *Config) string { return c.SeriesInterval.String() }},
	{env: "CARPOOL_CO2_KG_PER_KM", flag: "co2-kg-per-km", def: "0.16844",
		usage: "kg CO2e one car-km emits, which reports count as avoided per shared passenger-km (default: UK government factor, average car, 2023)",
		apply: func(c *Config, v string) error {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f <= 0 || f > 1 {
				return errors.New("must be a number of kilograms per km above 0 and at most 1")
			}
			c.CO2PerKM = f
			return nil
		},
		show: func(c *Config) string { return strconv.FormatFloat(c.CO2PerKM, 'f', -1, 64) }},
	{env: "CARPOOL_PARKING_RADIUS", flag: "parking-radius", def: "300",
		usage: "metres within which a ride's destination must lie of a site for the ride to arrive there and claim one of its carpool parking spaces",
		apply: func(c *Config, v string) error {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || !(f >= 10 && f <= 5000) {
				return errors.New("must be a number of metres from 10 to 5000")
			}
			c.ParkingRadiusM = f
			return nil
		},
		show: func(c *Config) string { return strconv.FormatFloat(c.ParkingRadiusM, 'f', -1, 64) }},
	{env: "CARPOOL_CHECKIN_RADIUS", flag: "checkin-radius", def: "500",
		usage: "metres within which a check-in's position must lie of the ride's route or the rider's pickup",
		apply: func(c *Config, v string) error {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || !(f >= 50 && f <= 5000) {
				return errors.New("must be a number of metres from 50 to 5000")
			}
			c.CheckInRadiusM = f
			return nil
		},
		show: func(c *Config) string { return strconv.FormatFloat(c.CheckInRadiusM, 'f', -1, 64) }},
	{env: "CARPOOL_CHECKIN_SECRET", flag: "checkin-secret", secret: true,
		usage: "signs the sites' daily check-in codes and keys identities in the proof export: the same on every replica, 32 characters or more; unset, a random one per process (codes then stop at a restart)",
		apply: func(c *Config, v string) error {
			if v != "" && len(v) < 32 {
				return errors.New("must be at least 32 characters")
			}
			c.CheckInSecret = v
			return nil
		},
		show: func(c *Config) string { return c.CheckInSecret }},
	{env: "CARPOOL_SIGNUP_DOMAINS", flag: "signup-domains", usage: "comma-separated email domains that may sign up; empty: closed; *: open",
		apply: func(c *Config, v string) error {
			d, err := parseDomains(v)
			c.SignupDomains = d
			return err
		},
		show: func(c *Config) string { return strings.Join(c.SignupDomains, ",") }},
	{env: "CARPOOL_OUTBOUND_ALLOW_PORTS", flag: "outbound-allow-ports", usage: "comma-separated ports besides 80 and 443 that webhooks and the geocoder may use; empty: none",
		apply: func(c *Config, v string) error {
			p, err := outbound.ParsePorts(v)
			if err != nil {
				return fmt.Errorf("must be comma-separated ports: %w", err)
			}
			c.Outbound.AllowPorts = p
			return nil
		},
		show: func(c *Config) string {
			var out []string
			for _, p := range c.Outbound.AllowPorts {
				out = append(out, strconv.Itoa(p))
			}
			return strings.Join(out, ",")
		}},
	{env: "CARPOOL_OUTBOUND_ALLOW_NETWORKS", flag: "outbound-allow-networks", usage: "comma-separated CIDRs inside the company that webhooks and the geocoder may reach although private; empty: only public addresses",
		apply: func(c *Config, v string) error {
			n, err := outbound.ParseNetworks(v)
			if err != nil {
				return fmt.Errorf("must be comma-separated CIDRs: %w", err)
			}
			c.Outbound.AllowNetworks = n
			return nil
		},
		show: func(c *Config) string {
			var out []string
			for _, n := range c.Outbound.AllowNetworks {
				out = append(out, n.String())
			}
			return strings.Join(out, ",")
		}},
	{env: "CARPOOL_TRUSTED_PROXIES", flag: "trusted-proxies", usage: "comma-separated CIDRs of proxies whose X-Forwarded-For is believed (the ingress); empty: none",
		apply: func(c *Config, v string) error {
			p, err := clientip.ParsePrefixes(v)
			if err != nil {
				return errors.New("must be comma-separated CIDRs like 10.42.0.0/16 or addresses")
			}
			c.TrustedProxies = p
			return nil
		},
		show: func(c *Config) string {
			var out []string
			for _, p := range c.TrustedProxies {
				out = append(out, p.String())
			}
			return strings.Join(out, ",")
		}},
	{env: "CARPOOL_PASSWORD_SIGNIN", flag: "password-signin", def: "true", usage: "whether members may sign in and sign up with a password (false: single sign-on only)",
		apply: func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return errors.New("must be true or false")
			}
			c.PasswordSignIn = b
			return nil
		},
		show: func(c *Config) string { return strconv.FormatBool(c.PasswordSignIn) }},
	{env: "CARPOOL_CALENDAR_KEEP_ON_PASSWORD_CHANGE", flag: "calendar-keep-on-password-change", def: "false", usage: "whether a member's calendar feed URL keeps working when their password changes (false: it stops, like their sessions)",
		apply: func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return errors.New("must be true or false")
			}
			c.KeepCalendarOnPasswordChange = b
			return nil
		},
		show: func(c *Config) string { return strconv.FormatBool(c.KeepCalendarOnPasswordChange) }},
	{env: "CARPOOL_OIDC_ISSUER", flag: "oidc-issuer", usage: "OpenID Connect issuer URL of the identity provider; empty: no single sign-on",
		apply: func(c *Config, v string) error {
			if v != "" {
				u, err := url.Parse(v)
				if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
					return errors.New("must be an http(s) URL like https://login.example.com/realms/acme")
				}
			}
			c.OIDC.Issuer = v
			return nil
		},
		show: func(c *Config) string { return c.OIDC.Issuer }},
	{env: "CARPOOL_OIDC_CLIENT_ID", flag: "oidc-client-id", usage: "carpool's client id at the identity provider",
		apply: func(c *Config, v string) error { c.OIDC.ClientID = v; return nil },
		show:  func(c *Config) string { return c.OIDC.ClientID }},
	{env: "CARPOOL_OIDC_CLIENT_SECRET", flag: "oidc-client-secret", usage: "carpool's client secret at the identity provider", secret: true,
		apply: func(c *Config, v string) error { c.OIDC.ClientSecret = v; return nil },
		show:  func(c *Config) string { return c.OIDC.ClientSecret }},
	{env: "CARPOOL_OIDC_REDIRECT_URL", flag: "oidc-redirect-url", usage: "the callback registered at the provider: https://<carpool host>/auth/oidc/callback",
		apply: func(c *Config, v string) error {
			if v != "" {
				u, err := url.Parse(v)
				if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "/auth/oidc/callback" {
					return errors.New("must be an http(s) URL ending in /auth/oidc/callback")
				}
			}
			c.OIDC.RedirectURL = v
			return nil
		},
		show: func(c *Config) string { return c.OIDC.RedirectURL }},
	{env: "CARPOOL_OIDC_NAME", flag: "oidc-name", def: "your organisation", usage: "the provider's name on the sign-in button: Sign in with <name>",
		apply: func(c *Config, v string) error { c.OIDC.Name = v; return nil },
		show:  func(c *Config) string { return c.OIDC.Name }},
	{env: "CARPOOL_OIDC_DOMAINS", flag: "oidc-domains", usage: "comma-separated e-mail domains that may sign in through the provider; *: any",
		apply: func(c *Config, v string) error {
			d, err := parseDomains(v)
			c.OIDC.Domains = d
			return err
		},
		show: func(c *Config) string { return strings.Join(c.OIDC.Domains, ",") }},
	{env: "CARPOOL_OIDC_ROLE_CLAIM", flag: "oidc-role-claim", def: "groups", usage: "the ID token or userinfo claim that CARPOOL_OIDC_ROLES maps",
		apply: func(c *Config, v string) error { c.OIDC.RoleClaim = v; return nil },
		show:  func(c *Config) string { return c.OIDC.RoleClaim }},
	{env: "CARPOOL_OIDC_ROLES", flag: "oidc-roles", usage: "claim value=role pairs, comma-separated (carpool-fleet=fleet_manager,carpool-admins=admin); applied when the account is created",
		apply: func(c *Config, v string) error {
			c.OIDC.Roles = map[string]string{}
			for _, pair := range strings.Split(v, ",") {
				if pair = strings.TrimSpace(pair); pair == "" {
					continue
				}
				value, role, ok := strings.Cut(pair, "=")
				role = strings.TrimSpace(role)
				if !ok || strings.TrimSpace(value) == "" || (role != "member" && role != "fleet_manager" && role != "admin") {
					return fmt.Errorf("%q is not value=role with role member, fleet_manager or admin", pair)
				}
				c.OIDC.Roles[strings.TrimSpace(value)] = role
			}
			return nil
		},
		show: func(c *Config) string {
			var out []string
			for k, v := range c.OIDC.Roles {
				out = append(out, k+"="+v)
			}
			slices.Sort(out)
			return strings.Join(out, ",")
		}},
	{env: "CARPOOL_OIDC_TRUST_EMAIL", flag: "oidc-trust-email", def: "false", usage: "accept the provider's e-mail address without email_verified (Entra ID; only with a single-tenant issuer)",
		apply: func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return errors.New("must be true or false")
			}
			c.OIDC.TrustEmail = b
			return nil
		},
		show: func(c *Config) string { return strconv.FormatBool(c.OIDC.TrustEmail) }},
	{env: "CARPOOL_MAX_PASSWORD_HASHES", flag: "max-password-hashes", def: "auto", usage: "password hashes (19 MiB each) that may run at once; auto: derived from the memory limit",
		apply: func(c *Config, v string) error {
			if v == "auto" {
				c.MaxPasswordHashes = 0
				return nil
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				return errors.New("must be auto or a whole number from 1 to 1000")
			}
			c.MaxPasswordHashes = n
			return nil
		},
		show: func(c *Config) string {
			if c.MaxPasswordHashes == 0 {
				return "auto"
			}
			return strconv.Itoa(c.MaxPasswordHashes)
		}},
	{env: "CARPOOL_MAX_ADVANCE", flag: "max-advance", def: "8760h", usage: "how far ahead a ride may depart or a reservation start (0: no limit)",
		apply: durationInto(func(c *Config) *time.Duration { return &c.MaxAdvance }),
		show:  func(c *Config) string { return c.MaxAdvance.String() }},
	{env: "CARPOOL_MAX_RESERVATION", flag: "max-reservation", def: "336h", usage: "longest window one trip reservation may cover (0: no limit)",
		apply: durationInto(func(c *Config) *time.Duration { return &c.MaxReservation }),
		show:  func(c *Config) string { return c.MaxReservation.String() }},
	{env: "CARPOOL_MAX_OPEN_RIDES", flag: "max-open-rides", def: "20", usage: "open rides one member may offer at a time; fleet managers and admins are exempt (0: no limit)",
		apply: countInto(func(c *Config) *int { return &c.MaxOpenRides }),
		show:  func(c *Config) string { return strconv.Itoa(c.MaxOpenRides) }},
	{env: "CARPOOL_MAX_ACTIVE_RESERVATIONS", flag: "max-active-reservations", def: "5", usage: "trip reservations one member may hold at a time; fleet managers and admins are exempt (0: no limit)",
		apply: countInto(func(c *Config) *int { return &c.MaxActiveReservations }),
		show:  func(c *Config) string { return strconv.Itoa(c.MaxActiveReservations) }},
	{env: "CARPOOL_MAX_COMMUTES", flag: "max-commutes", def: "5", usage: "active commutes one member may drive; fleet managers and admins are exempt (0: no limit)",
		apply: countInto(func(c *Config) *int { return &c.MaxCommutes }),
		show:  func(c *Config) string { return strconv.Itoa(c.MaxCommutes) }},
	{env: "CARPOOL_MAX_SCHEDULED_RIDES", flag: "max-scheduled-rides", def: "60", usage: "open rides ahead one member may have in all, commute days included; later commute days wait (0: no limit)",
		apply: countInto(func(c *Config) *int { return &c.MaxScheduledRides }),
		show:  func(c *Config) string { return strconv.Itoa(c.MaxScheduledRides) }},
	{env: "CARPOOL_MAX_RIDE_HOMES_PER_YEAR", flag: "max-ride-homes-per-year", def: "4", usage: "rides home one member may ask for in a calendar year, declined ones not counted (0: no limit)",
		apply: countInto(func(c *Config) *int { return &c.MaxRideHomesPerYear }),
		show:  func(c *Config) string { return strconv.Itoa(c.MaxRideHomesPerYear) }},
	{env: "CARPOOL_MAX_MESSAGES_PER_HOUR", flag: "max-messages-per-hour", def: "30", usage: "messages one member may write in an hour, on every ride together (0: no limit)",
		apply: countInto(func(c *Config) *int { return &c.MaxMessagesPerHour }),
		show:  func(c *Config) string { return strconv.Itoa(c.MaxMessagesPerHour) }},
	{env: "CARPOOL_MAX_THREAD_MESSAGES", flag: "max-thread-messages", def: "200", usage: "messages one ride's thread may hold (0: no limit)",
		apply: countInto(func(c *Config) *int { return &c.MaxThreadMessages }),
		show:  func(c *Config) string { return strconv.Itoa(c.MaxThreadMessages) }},
	{env: "CARPOOL_NOSHOW_LIMIT", flag: "noshow-limit", def: "0", usage: "no-shows (as passenger and as driver together) within CARPOOL_NOSHOW_PERIOD after which a member can neither book seats nor offer rides until the earliest leaves the period (0: no-shows are only counted)",
		apply: countInto(func(c *Config) *int { return &c.NoShowLimit }),
		show:  func(c *Config) string { return strconv.Itoa(c.NoShowLimit) }},
	{env: "CARPOOL_NOSHOW_PERIOD", flag: "noshow-period", def: "720h", usage: "rolling period no-shows are counted over, for the limit and the fleet's list",
		apply: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < time.Hour {
				return errors.New("must be a duration of at least 1h, like 720h")
			}
			c.NoShowPeriod = d
			return nil
		},
		show: func(c *Config) string { return c.NoShowPeriod.String() }},
}

func countInto(field func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1_000_000 {
			return errors.New("must be a whole number from 0 to 1000000")
		}
		*field(c) = n
		return nil
	}
}

func durationInto(field func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return errors.New("must be a duration like 5s or 1m30s")
		}
		*field(c) = d
		return nil
	}
}

func addrInto(field func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error {
		_, port, err := net.SplitHostPort(v)
		if err != nil {
			return errors.New("must be host:port or :port")
		}
		if _, err := parsePort(port); err != nil {
			return err
		}
		*field(c) = v
		return nil
	}
}

func parsePort(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 65535 {
		return 0, errors.New("must be a port number from 0 to 65535")
	}
	return n, nil
}

// parseDomains reads a comma-separated list of e-mail domains (or *), lower-cased.
func parseDomains(v string) ([]string, error) {
	var out []string
	for _, d := range strings.Split(v, ",") {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "" {
			continue
		}
		if d != "*" && (strings.ContainsAny(d, "@ /") || !strings.Contains(d, ".")) {
			return nil, fmt.Errorf("%q is not a domain like example.com", d)
		}
		out = append(out, d)
	}
	return out, nil
}

// durationHours writes d in hours, the unit horizons are thought in ("672h", not
// "672h0m0s").
func durationHours(d time.Duration) string {
	if d%time.Hour == 0 {
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	}
	return d.String()
}

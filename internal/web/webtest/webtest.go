// Package webtest starts the carpool web application for tests: a fresh SQLite store in
// a temporary directory, the REST API under /api/ and the web UI under / (as
// cmd/carpool/routes.go mounts them), served on a real loopback listener.
package webtest

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/language"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/httpapi"
	"carpool/internal/postgres"
	"carpool/internal/postgres/postgrestest"
	"carpool/internal/sqlite"
	"carpool/internal/sqlite/sqlitetest"
	"carpool/internal/sqlstore"
	"carpool/internal/web"
)

// App is a running carpool web application.
type App struct {
	URL    string
	Store  carpool.Store
	Server *httptest.Server
	// passwordHash hashes Password for AddMember (see fixtureHash).
	passwordHash func() (string, error)
}

// Options change how Start builds the app.
type Options struct {
	Signup   carpool.SignupPolicy
	Location *time.Location
	// TLS serves over HTTPS (httptest's certificate) instead of plain HTTP.
	TLS bool
	// Now replaces the wall clock of the store, the API and the UI alike.
	Now func() time.Time
	// Limits, when set, replace the store's default fair-use limits.
	Limits *carpool.Limits
	// Backoff, when set, throttles sign-in per account and per address instead of the
	// application's defaults.
	Backoff carpool.Backoff
	// HashSlots and HashWait, when set, bound password hashing instead of the defaults.
	HashSlots int
	HashWait  time.Duration
	// SSO, when set, is called with the app's base URL and returns the identity provider
	// of the web UI (its callback is base + "/auth/oidc/callback").
	SSO       func(base string) *web.SSO
	SSOPolicy app.SSOPolicy
	// NoPasswordSignIn switches password sign-in off.
	NoPasswordSignIn bool
	// Wrap, when set, wraps the whole handler, so a test can watch requests.
	Wrap func(http.Handler) http.Handler
	// Geocoder answers address searches; nil leaves address search off.
	Geocoder app.AddressSearch
	// MapTilesURL replaces the OpenStreetMap tiles (a local server in browser tests).
	MapTilesURL string
	// Language is the default language of the UI (CARPOOL_DEFAULT_LANGUAGE); the zero
	// value is English.
	Language language.Tag
	// Postgres runs the app over a fresh PostgreSQL database (internal/pgtest) instead of
	// SQLite, for the answers that must not differ between the engines. A test package
	// using it runs pgtest.Main from its TestMain.
	Postgres bool
	// Mailer, when set, is called with the app's base URL and returns the sender of
	// account mails (reset links, address confirmations); nil sends none.
	Mailer func(base string) app.Mailer
}

// Start opens a migrated store (SQLite in tb's temporary directory, or PostgreSQL) and
// serves the app; both are closed when the test ends.
func Start(tb testing.TB, opts Options) *App {
	tb.Helper()
	db := openStore(tb, opts)
	logger := slog.New(slog.NewTextHandler(testWriter{tb}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	if opts.TLS {
		base = "https://" + srv.Listener.Addr().String()
	}
	mux := http.NewServeMux()
	var mailer app.Mailer
	if opts.Mailer != nil {
		mailer = opts.Mailer(base)
	}
	a := app.New(db, app.Options{Signup: opts.Signup, Now: opts.Now, HashSlots: opts.HashSlots, HashWait: opts.HashWait,
		AccountBackoff: opts.Backoff, AddressBackoff: opts.Backoff, SSO: opts.SSOPolicy, NoPasswordSignIn: opts.NoPasswordSignIn,
		Geocoder: opts.Geocoder, Mailer: mailer, Limits: opts.Limits, Parking: carpool.Parking{Zone: opts.Location},
		Location: opts.Location, Language: opts.Language})
	tb.Cleanup(a.Wait) // before the store closes
	var single *web.SSO
	if opts.SSO != nil {
		single = opts.SSO(base)
	}
	mux.Handle("/api/", httpapi.NewServer(a, db, httpapi.Options{Logger: logger, Now: opts.Now}))
	mux.Handle("/", web.NewServer(a, web.Options{Logger: logger, Location: opts.Location, SSO: single, MapTilesURL: opts.MapTilesURL,
		Language: opts.Language}))
	var h http.Handler = mux
	if opts.Wrap != nil {
		h = opts.Wrap(mux)
	}
	srv.Config.Handler = h
	if opts.TLS {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	tb.Cleanup(srv.Close)
	return &App{URL: srv.URL, Store: db, Server: srv, passwordHash: fixtureHash(opts)}
}

// migrator is a store that brings its schema up to date.
type migrator interface {
	carpool.Store
	Migrate(ctx context.Context) (int64, error)
	Close() error
}

// openStore opens and migrates the engine opts ask for, with opts' clock and limits.
func openStore(tb testing.TB, opts Options) carpool.Store {
	tb.Helper()
	ctx := context.Background()
	var storeOpts []sqlstore.Option
	if opts.Now != nil {
		storeOpts = append(storeOpts, sqlstore.WithClock(opts.Now))
	}
	var db migrator
	var err error
	if opts.Postgres {
		var pgOpts []postgres.Option
		for _, o := range storeOpts {
			pgOpts = append(pgOpts, postgres.WithStoreOptions(o))
		}
		db, err = postgres.Open(ctx, postgrestest.MigratedDatabase(tb), pgOpts...)
	} else {
		var dbOpts []sqlite.Option
		for _, o := range storeOpts {
			dbOpts = append(dbOpts, sqlite.WithStoreOptions(o))
		}
		db, err = sqlite.Open(ctx, sqlitetest.MigratedPath(tb), dbOpts...)
	}
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	return db
}

// AddMember creates a member with the given role directly in the store and returns it;
// its password is Password.
func (a *App) AddMember(tb testing.TB, email, name, phone string, role carpool.Role) carpool.Member {
	tb.Helper()
	in, err := carpool.NewMember{Email: email, Name: name, Phone: phone, Password: Password, Role: role}.Validate()
	if err != nil {
		tb.Fatalf("add member %s: %v", email, err)
	}
	hash, err := a.passwordHash()
	if err != nil {
		tb.Fatalf("hash password: %v", err)
	}
	now := time.Now()
	m := carpool.Member{ID: carpool.NewID(), Email: in.Email, Name: in.Name, Phone: in.Phone, Role: in.Role,
		PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	if err := a.Store.CreateMember(context.Background(), m); err != nil {
		tb.Fatalf("add member %s: %v", email, err)
	}
	return m
}

// Password is the password of every member AddMember creates.
const Password = "correct horse battery"

// passwordHash hashes Password once per test binary: argon2id is slow on purpose, and
// more so under the race detector.
var passwordHash = sync.OnceValues(func() (string, error) { return carpool.HashPassword(Password) })

// cheapPasswordHash is Password hashed at the lowest argon2id cost: members signing in
// with it go through the real check, which takes a production hash seconds under the
// race detector.
var cheapPasswordHash = sync.OnceValues(func() (string, error) { return carpool.HashPasswordForTest(Password) })

// fixtureHash picks the hash AddMember stores: a test that bounds the hash slots counts
// on every check taking as long as in production, so it gets the production hash; every
// other test gets the cheap one.
func fixtureHash(opts Options) func() (string, error) {
	if opts.HashSlots != 0 {
		return passwordHash
	}
	return cheapPasswordHash
}

// Session stores a new token for m, as signing in does, and returns the cookie that
// carries it; tests that are not about signing in use it to skip the password check.
func (a *App) Session(tb testing.TB, m carpool.Member) *http.Cookie {
	tb.Helper()
	t, secret, err := carpool.NewToken(m.ID, time.Now())
	if err != nil {
		tb.Fatalf("new token: %v", err)
	}
	if err := a.Store.CreateToken(context.Background(), t); err != nil {
		tb.Fatalf("create token: %v", err)
	}
	return &http.Cookie{Name: web.SessionCookie, Value: secret, Path: "/"}
}

// testWriter sends the app's warnings and errors to the test log.
type testWriter struct{ tb testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.tb.Logf("app: %s", p)
	return len(p), nil
}

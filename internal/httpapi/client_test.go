package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"carpool/api"
	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/clientip"
	"carpool/internal/httpapi"
	"carpool/internal/postgres"
	"carpool/internal/postgres/postgrestest"
	"carpool/internal/sqlite"
	"carpool/internal/sqlite/sqlitetest"
)

// env is one API server over a fresh database (SQLite unless a test asks for
// PostgreSQL), and a client that checks every request and response against
// api/openapi.yaml.
type env struct {
	store  carpool.Store
	srv    *httptest.Server
	router routers.Router
	// passwordHash is the hash of testPassword that storeMember stores.
	passwordHash func() string
}

// envOptions configure a test API: the application's sign-up policy and clock, and the
// server's options.
type envOptions struct {
	// Limits, when set, replace the store's default fair-use limits.
	Limits *carpool.Limits
	Signup carpool.SignupPolicy
	Now    func() time.Time
	Logger *slog.Logger
	// Sign-in protection; zero values are the application's defaults.
	HashSlots                      int
	HashWait                       time.Duration
	AccountBackoff, AddressBackoff carpool.Backoff
	ClientIP                       clientip.Resolver
	NoPasswordSignIn               bool
	// Mailer receives the account mails; nil means the server sends none.
	Mailer app.Mailer
	// Geocoder answers address searches; nil leaves address search off.
	Geocoder app.AddressSearch
	// AddressSearchWait replaces how long a member's search waits behind their others.
	AddressSearchWait time.Duration
}

// serve returns the API over store as cmd/carpool wires it.
func serve(store carpool.Store, opts envOptions) *httpapi.Server {
	a := app.New(store, app.Options{Signup: opts.Signup, Now: opts.Now, HashSlots: opts.HashSlots, HashWait: opts.HashWait,
		AccountBackoff: opts.AccountBackoff, AddressBackoff: opts.AddressBackoff, NoPasswordSignIn: opts.NoPasswordSignIn,
		Mailer: opts.Mailer, Geocoder: opts.Geocoder, AddressSearchWait: opts.AddressSearchWait, Limits: opts.Limits})
	return httpapi.NewServer(a, store, httpapi.Options{Logger: opts.Logger, Now: opts.Now, ClientIP: opts.ClientIP})
}

// newEnv starts the real handler on a real listener over a migrated SQLite file.
func newEnv(tb testing.TB, opts envOptions) *env {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, sqlitetest.MigratedPath(tb))
	if err != nil {
		tb.Fatalf("open sqlite: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	return newEnvOn(tb, db, opts)
}

// newPostgresEnv is newEnv over a fresh, migrated PostgreSQL database, for the answers
// that must not differ between the engines.
func newPostgresEnv(tb testing.TB, opts envOptions) *env {
	tb.Helper()
	ctx := context.Background()
	db, err := postgres.Open(ctx, postgrestest.MigratedDatabase(tb))
	if err != nil {
		tb.Fatalf("open postgres: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	return newEnvOn(tb, db, opts)
}

// engines are the storage engines the engine-neutral tests run on.
var engines = []struct {
	name string
	env  func(testing.TB, envOptions) *env
}{
	{"sqlite", newEnv},
	{"postgres", newPostgresEnv},
}

// newEnvOn starts the real handler on a real listener over db.
func newEnvOn(tb testing.TB, db carpool.Store, opts envOptions) *env {
	tb.Helper()
	srv := httptest.NewServer(serve(db, opts))
	tb.Cleanup(srv.Close)

	doc := loadSpec(tb)
	doc.Servers = openapi3.Servers{{URL: srv.URL}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		tb.Fatalf("openapi router: %v", err)
	}
	return &env{store: db, srv: srv, router: router, passwordHash: fixtureHash(opts)}
}

// withHandler returns an env that serves h over the same database and description.
func (e *env) withHandler(tb testing.TB, h http.Handler) *env {
	tb.Helper()
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	doc := loadSpec(tb)
	doc.Servers = openapi3.Servers{{URL: srv.URL}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		tb.Fatalf("openapi router: %v", err)
	}
	return &env{store: e.store, srv: srv, router: router, passwordHash: e.passwordHash}
}

// loadSpec loads and validates api/openapi.yaml.
func loadSpec(tb testing.TB) *openapi3.T {
	tb.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
	if err != nil {
		tb.Fatalf("load openapi.yaml: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		tb.Fatalf("openapi.yaml is not valid OpenAPI: %v", err)
	}
	return doc
}

// call is one request. body is marshalled to JSON unless raw is set.
type call struct {
	method  string
	path    string
	token   string
	body    any
	raw     []byte
	ctype   string // Content-Type of raw; application/json by default
	header  map[string]string
	cookie  string // value of the carpool_session cookie
	invalid bool   // the request breaks the description on purpose: check only the response
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// problem is the part of a problem+json body that the tests look at.
type problem struct {
	Type   string `json:"type"`
	Status int    `json:"status"`
	Code   string `json:"code"`
	Field  string `json:"field"`
	Detail string `json:"detail"`
	Errors []struct {
		Field  string `json:"field"`
		Detail string `json:"detail"`
	} `json:"errors"`
}

// coverage records which (operation, status) pairs the tests saw, for TestMain.
var coverage = struct {
	sync.Mutex
	seen map[string]bool
}{seen: map[string]bool{}}

// do sends c and returns the answer. The request (unless c.invalid) and the response are
// validated against the OpenAPI description; a mismatch fails tb. Safe to call from many
// goroutines.
func (e *env) do(tb testing.TB, c call) response {
	tb.Helper()
	var body []byte
	switch {
	case c.raw != nil:
		body = c.raw
	case c.body != nil:
		var err error
		if body, err = json.Marshal(c.body); err != nil {
			tb.Errorf("marshal request: %v", err)
			return response{}
		}
	}
	newReq := func() *http.Request {
		req, err := http.NewRequest(c.method, e.srv.URL+c.path, bytes.NewReader(body))
		if err != nil {
			tb.Errorf("new request: %v", err)
			return nil
		}
		if body != nil {
			ct := c.ctype
			if ct == "" {
				ct = "application/json"
			}
			req.Header.Set("Content-Type", ct)
		}
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		if c.cookie != "" {
			req.AddCookie(&http.Cookie{Name: app.SessionCookie, Value: c.cookie})
		}
		for k, v := range c.header {
			req.Header.Set(k, v)
		}
		return req
	}
	req := newReq()
	if req == nil {
		return response{}
	}
	ctx := context.Background()
	route, params, routeErr := e.router.FindRoute(newReq())
	var input *openapi3filter.RequestValidationInput
	if routeErr == nil {
		input = &openapi3filter.RequestValidationInput{
			Request: newReq(), PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: checkCredentials, MultiError: true},
		}
		if !c.invalid {
			if err := openapi3filter.ValidateRequest(ctx, input); err != nil {
				tb.Errorf("%s %s: request does not match openapi.yaml: %v", c.method, c.path, err)
			}
		}
	} else if !c.invalid {
		tb.Errorf("%s %s: not in openapi.yaml: %v", c.method, c.path, routeErr)
	}

	res, err := e.srv.Client().Do(req)
	if err != nil {
		tb.Errorf("%s %s: %v", c.method, c.path, err)
		return response{}
	}
	defer res.Body.Close()
	out := response{status: res.StatusCode, header: res.Header}
	if out.body, err = io.ReadAll(res.Body); err != nil {
		tb.Errorf("%s %s: read body: %v", c.method, c.path, err)
	}
	if input != nil {
		rv := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: input, Status: out.status, Header: out.header,
			Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
		}
		rv.SetBodyBytes(out.body)
		if err := openapi3filter.ValidateResponse(ctx, rv); err != nil {
			tb.Errorf("%s %s: %d response does not match openapi.yaml: %v\n%s", c.method, c.path, out.status, err, out.body)
		}
		coverage.Lock()
		coverage.seen[fmt.Sprintf("%s %d", route.Operation.OperationID, out.status)] = true
		coverage.Unlock()
	}
	if out.status >= 400 && !strings.HasPrefix(out.header.Get("Content-Type"), "application/problem+json") {
		tb.Errorf("%s %s: %d with Content-Type %q, want application/problem+json", c.method, c.path, out.status, out.header.Get("Content-Type"))
	}
	return out
}

// checkCredentials tells kin-openapi whether a request carries what a security scheme
// asks for; the server decides whether the credentials are good.
func checkCredentials(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	req := in.RequestValidationInput.Request
	switch in.SecurityScheme.Type {
	case "http":
		if !strings.HasPrefix(req.Header.Get("Authorization"), "Bearer ") {
			return errors.New("no bearer token")
		}
	case "apiKey":
		if _, err := req.Cookie(in.SecurityScheme.Name); err != nil {
			return errors.New("no session cookie")
		}
	}
	return nil
}

// want checks the status and returns the response for chaining.
func (r response) want(tb testing.TB, status int) response {
	tb.Helper()
	if r.status != status {
		tb.Errorf("status: got %d, want %d; body: %s", r.status, status, r.body)
	}
	return r
}

// decode unmarshals the body into v.
func (r response) decode(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		tb.Fatalf("decode %s: %v", r.body, err)
	}
}

// object returns the body as a map, for looking at fields by their wire names.
func (r response) object(tb testing.TB) map[string]any {
	tb.Helper()
	var m map[string]any
	r.decode(tb, &m)
	return m
}

// problem checks that the answer is a problem with status, code and field.
func (r response) problem(tb testing.TB, status int, code, field string) problem {
	tb.Helper()
	r.want(tb, status)
	var p problem
	if err := json.Unmarshal(r.body, &p); err != nil {
		tb.Fatalf("decode problem %s: %v", r.body, err)
	}
	if p.Status != status {
		tb.Errorf("problem status: got %d, want %d", p.Status, status)
	}
	if code != "" && p.Code != code {
		tb.Errorf("problem code: got %q, want %q (%s)", p.Code, code, r.body)
	}
	if p.Field != field {
		tb.Errorf("problem field: got %q, want %q (%s)", p.Field, field, r.body)
	}
	if p.Type != "urn:carpool:problem:"+p.Code {
		tb.Errorf("problem type: got %q, want urn:carpool:problem:%s", p.Type, p.Code)
	}
	return p
}

// member is a signed-in member of the test.
type member struct {
	carpool.Member
	token string
}

const testPassword = "correct horse battery"

// passwordHash is computed once: argon2 is slow on purpose, more so under -race.
var passwordHash = sync.OnceValue(func() string {
	h, err := carpool.HashPassword(testPassword)
	if err != nil {
		panic(err)
	}
	return h
})

// cheapPasswordHash is testPassword hashed at the lowest argon2id cost: members signing in
// with it go through the real check, which takes a production hash seconds under -race.
var cheapPasswordHash = sync.OnceValue(func() string {
	h, err := carpool.HashPasswordForTest(testPassword)
	if err != nil {
		panic(err)
	}
	return h
})

// fixtureHash picks the members' hash: a test that bounds the hash slots counts on every
// check taking as long as in production, so it gets the production hash; every other
// test gets the cheap one.
func fixtureHash(opts envOptions) func() string {
	if opts.HashSlots != 0 {
		return passwordHash
	}
	return cheapPasswordHash
}

// member creates a member straight in the store and signs them in through the API.
func (e *env) member(tb testing.TB, name string, role carpool.Role) member {
	tb.Helper()
	m := e.storeMember(tb, name, role)
	res := e.do(tb, call{method: "POST", path: "/api/v1/tokens",
		body: map[string]string{"email": m.Email, "password": testPassword}}).want(tb, 201)
	var tok struct {
		Token     string `json:"token"`
		ExpiresAt string `json:"expires_at"`
	}
	res.decode(tb, &tok)
	m.token = tok.Token
	return m
}

// quickMember creates a member with a token minted in the store, for tests that need
// hundreds of them.
func (e *env) quickMember(tb testing.TB, name string) member {
	tb.Helper()
	m := e.storeMember(tb, name, carpool.RoleMember)
	t, secret, err := carpool.NewToken(m.ID, time.Now())
	if err != nil {
		tb.Fatal(err)
	}
	if err := e.store.CreateToken(context.Background(), t); err != nil {
		tb.Fatalf("create token: %v", err)
	}
	m.token = secret
	return m
}

func (e *env) storeMember(tb testing.TB, name string, role carpool.Role) member {
	tb.Helper()
	now := carpool.Timestamp(time.Now())
	m := carpool.Member{
		ID: carpool.NewID(), Email: strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.com", Name: name,
		Phone: "+49 89 " + fmt.Sprint(time.Now().UnixNano()%1000000), Role: role, PasswordHash: e.passwordHash(),
		CreatedAt: now, UpdatedAt: now,
	}
	if err := e.store.CreateMember(context.Background(), m); err != nil {
		tb.Fatalf("create member %s: %v", name, err)
	}
	return member{Member: m}
}

// rfc3339 formats t as the API expects.
func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// future returns a whole minute d from now, so tests stay clear of "in the past" rules.
func future(d time.Duration) time.Time { return time.Now().Add(d).UTC().Truncate(time.Minute) }

// Package app holds carpool's use cases, each written once: who acts, whether they may,
// and what changes. The REST API, the web UI and the command line call it and only
// translate between their wire formats and these calls.
//
// Every method takes the acting member (the zero Member for anonymous callers) and
// returns domain values and coded *carpool.Error values. Authorisation is decided here:
// a resource the caller may not see is reported as not found, exactly as an unknown id.
package app

import (
	"context"
	"crypto/rand"
	"log/slog"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"

	"carpool/internal/carpool"
	"carpool/internal/locale"
	"carpool/internal/outbound"
)

// Options configure an App. The zero value is usable: sign-up closed, the wall clock.
type Options struct {
	// Signup says which email domains may create an account by themselves.
	Signup carpool.SignupPolicy
	// Now is the clock for token lifetimes and "upcoming"; tests may stop it.
	Now func() time.Time
	// Emission is the factor reports count avoided CO₂ with; zero means
	// carpool.DefaultEmissionFactor.
	Emission carpool.EmissionFactor
	// Logger receives the failures that must not fail a use case that already
	// happened (an audit line that could not be written).
	Logger *slog.Logger
	// HashSlots bounds the password hashes that run at once (argon2id holds 19 MiB
	// each); 0 means HashSlotsFor the runtime's memory limit.
	HashSlots int
	// HashWait is how long a sign-in waits for a hash slot before it is refused with
	// EUNAVAILABLE; 0 means DefaultHashWait.
	HashWait time.Duration
	// HashMemoryReturn is how long after the last password hash the memory the hashes
	// used is handed back to the OS (a forced collection, debug.FreeOSMemory); 0 never
	// (tests, where collections forced by each App would only slow the others).
	// serve sets DefaultHashMemoryReturn.
	HashMemoryReturn time.Duration
	// AccountBackoff and AddressBackoff throttle sign-in attempts per account and per
	// client address; zero values mean carpool.AccountBackoff and carpool.AddressBackoff.
	// Tests make the waits long, so that no wait ends while they look at it.
	AccountBackoff, AddressBackoff carpool.Backoff
	// SSO says who may sign in through the identity provider.
	SSO SSOPolicy
	// NoPasswordSignIn switches sign-in and sign-up by password off (single sign-on
	// only); the command line may still add members.
	NoPasswordSignIn bool
	// Geocoder searches addresses; nil turns address search off.
	Geocoder AddressSearch
	// Limits are the fair-use limits creating and moving rides and reservations apply;
	// nil means carpool.DefaultLimits.
	Limits *carpool.Limits
	// ReservationRefused, when set, hears why a reservation was not made (a made one is
	// counted from its outbox event); it must not block.
	ReservationRefused func(err error)
	// BookingRefused, when set, hears why a seat booking was not made (a made one is
	// counted from its outbox event); it must not block.
	BookingRefused func(err error)
	// SignInRefused, when set, hears the reason (RefusedThrottled, ...) of every refused
	// sign-in by password; it must not block.
	SignInRefused func(reason string)
	// Mailer sends the mails about accounts (reset links, address confirmations); nil
	// turns password reset by mail and address changes off.
	Mailer Mailer
	// AddressSearchWait bounds how long a member's address search waits behind their
	// others (default DefaultAddressSearchWait).
	AddressSearchWait time.Duration
	// Parking is how near a site a ride must end to claim one of its carpool spaces, and
	// the zone of the sites that name none; the zero value means 300 m and UTC.
	Parking carpool.Parking
	// PublicURL is where members reach carpool; calendar feed URLs and their entries
	// link there [http://localhost:8080].
	PublicURL string
	// AdminAddr is the admin listener, which webhooks may not point at [:9090].
	AdminAddr string
	// Outbound is where webhooks may point (CARPOOL_OUTBOUND_ALLOW_*).
	Outbound outbound.Policy
	// Location is the clock of members who chose none [UTC].
	Location *time.Location
	// Language speaks to members who chose none [English].
	Language language.Tag
	// CheckIn is how near a ride's route a check-in must be; the zero value means
	// carpool.DefaultCheckInRadiusM.
	CheckIn carpool.CheckInRule
	// CheckInSecret signs the sites' check-in codes and keys the identities of the
	// register export; empty means a random one for this process only (codes then die
	// with it, and replicas refuse each other's).
	CheckInSecret []byte
	// KeepCalendarOnPasswordChange keeps a member's calendar feed URL working when their
	// password changes; by default it stops, like every other credential they had.
	KeepCalendarOnPasswordChange bool
	// ReadCacheTTL keeps the sites members read and the drivers search results name for
	// this long (0: not at all): a change made through another replica shows within
	// it, one made through this replica at once. serve sets it to the token cache's TTL.
	ReadCacheTTL time.Duration
}

// App is the application layer over a Store.
type App struct {
	store  carpool.Store
	signup carpool.SignupPolicy
	now    func() time.Time
	log    *slog.Logger
	co2    carpool.EmissionFactor
	hashes *hashSlots
	// Sign-in throttling policies.
	accountBackoff, addressBackoff carpool.Backoff
	sso                            SSOPolicy
	noPasswords                    bool
	keepCalendar                   bool
	blocked                        blockedKeys
	signInRefused                  func(reason string)
	reservationRefused             func(err error)
	bookingRefused                 func(err error)

	geocoder    AddressSearch
	addressGate *memberGate
	// addressSearchBlocked remembers the members the database has refused an address
	// search until their window closes (see admitAddressSearch).
	addressSearchBlocked blockedKeys
	limits               carpool.Limits
	parking              carpool.Parking
	checkInRule          carpool.CheckInRule
	siteCodes            carpool.SiteCodes

	publicURL string
	adminAddr string
	outbound  outbound.Policy
	loc       *time.Location
	lang      language.Tag

	mailer   Mailer
	mailJobs chan struct{}
	jobs     sync.WaitGroup

	sites   *readCache[carpool.Site]
	drivers *readCache[carpool.Member]
}

// New returns the use cases over store.
func New(store carpool.Store, opts Options) *App {
	a := &App{store: store, signup: opts.Signup, now: opts.Now, log: opts.Logger, co2: opts.Emission,
		sso: opts.SSO, noPasswords: opts.NoPasswordSignIn, keepCalendar: opts.KeepCalendarOnPasswordChange, geocoder: opts.Geocoder,
		mailer: opts.Mailer, mailJobs: make(chan struct{}, maxMailJobs), addressGate: newMemberGate(opts.AddressSearchWait),
		signInRefused: opts.SignInRefused, reservationRefused: opts.ReservationRefused,
		bookingRefused: opts.BookingRefused, parking: opts.Parking,
		publicURL: strings.TrimRight(opts.PublicURL, "/"), adminAddr: opts.AdminAddr, outbound: opts.Outbound,
		loc: opts.Location, lang: opts.Language, sites: newReadCache[carpool.Site](opts.ReadCacheTTL, 0),
		drivers:     newReadCache[carpool.Member](opts.ReadCacheTTL, 0),
		checkInRule: opts.CheckIn, siteCodes: carpool.SiteCodes{Secret: opts.CheckInSecret}}
	if a.publicURL == "" {
		a.publicURL = "http://localhost:8080"
	}
	if a.adminAddr == "" {
		a.adminAddr = ":9090" // the default CARPOOL_ADMIN_ADDR
	}
	if a.loc == nil {
		a.loc = time.UTC
	}
	if a.lang == (language.Tag{}) {
		a.lang = locale.Default
	}
	if len(a.siteCodes.Secret) == 0 {
		a.siteCodes.Secret = randomSecret()
	}
	a.limits = carpool.DefaultLimits()
	if opts.Limits != nil {
		a.limits = *opts.Limits
	}
	if a.co2 == 0 {
		a.co2 = carpool.DefaultEmissionFactor
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	slots, wait := opts.HashSlots, opts.HashWait
	if slots <= 0 {
		slots = HashSlotsFor(debug.SetMemoryLimit(-1), runtime.GOMAXPROCS(0))
	}
	if wait <= 0 {
		wait = DefaultHashWait
	}
	var giveBack func()
	if opts.HashMemoryReturn > 0 {
		giveBack = debug.FreeOSMemory
	}
	a.hashes = newHashSlots(slots, wait, giveBack, opts.HashMemoryReturn)
	a.accountBackoff, a.addressBackoff = opts.AccountBackoff, opts.AddressBackoff
	if a.accountBackoff == (carpool.Backoff{}) {
		a.accountBackoff = carpool.AccountBackoff
	}
	if a.addressBackoff == (carpool.Backoff{}) {
		a.addressBackoff = carpool.AddressBackoff
	}
	return a
}

// Now returns the application's clock reading, truncated as the store keeps times.
func (a *App) Now() time.Time { return carpool.Timestamp(a.now()) }

// Ping checks that the store answers; readiness probes use it.
func (a *App) Ping(ctx context.Context) error { return a.store.Ping(ctx) }

// randomSecret returns 32 random bytes, for a deployment that set no secret of its own.
func randomSecret() []byte {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it aborts the program instead)
	return b
}

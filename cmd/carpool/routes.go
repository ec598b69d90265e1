package main

import (
	"log/slog"
	"net/http"
	"net/http/pprof"
	"os"
	"strings"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/clientip"
	"carpool/internal/config"
	"carpool/internal/geocode"
	"carpool/internal/health"
	"carpool/internal/httpapi"
	"carpool/internal/mail"
	"carpool/internal/notify"
	"carpool/internal/partnerapi"
	"carpool/internal/sso"
	"carpool/internal/telemetry"
	"carpool/internal/tokencache"
	"carpool/internal/web"
)

// appHandler routes the main listener: probes, the REST API and the web UI. The App is
// returned too, so that serve can let its background mails finish before the database
// closes.
func appHandler(cfg *config.Config, store carpool.Store, probes *health.Probes, metrics *telemetry.Metrics, refusals *telemetry.SignInRefusals, logger *slog.Logger) (http.Handler, *app.App) {
	mux := http.NewServeMux()
	probes.Register(mux)
	roles := map[string]carpool.Role{}
	for value, role := range cfg.OIDC.Roles {
		roles[value] = carpool.Role(role)
	}
	limits := cfg.Limits()
	checkIn, secret := cfg.CheckIn()
	if len(secret) == 0 {
		logger.Warn("CARPOOL_CHECKIN_SECRET is not set: a random one signs the sites' check-in codes, so printed codes stop working at a restart and replicas refuse each other's; set it (or CARPOOL_CHECKIN_SECRET_FILE) in production")
	}
	opts := app.Options{
		CheckIn:                      checkIn,
		CheckInSecret:                secret,
		Limits:                       &limits,
		Parking:                      cfg.Parking(),
		ReservationRefused:           metrics.ReservationRefused,
		BookingRefused:               metrics.BookingRefused,
		Signup:                       carpool.SignupPolicy{Domains: cfg.SignupDomains},
		Emission:                     carpool.EmissionFactor(cfg.CO2PerKM),
		Logger:                       logger,
		HashSlots:                    cfg.MaxPasswordHashes,
		HashMemoryReturn:             app.DefaultHashMemoryReturn,
		NoPasswordSignIn:             !cfg.PasswordSignIn,
		SignInRefused:                refusals.Refused,
		KeepCalendarOnPasswordChange: cfg.KeepCalendarOnPasswordChange,
		PublicURL:                    cfg.Notify.PublicURL,
		AdminAddr:                    cfg.AdminAddr,
		Outbound:                     cfg.Outbound,
		Location:                     cfg.Timezone,
		Language:                     cfg.DefaultLanguage,
		// Sites members read follow the tokens' staleness across replicas.
		ReadCacheTTL: tokencache.DefaultTTL,
		SSO: app.SSOPolicy{Domains: carpool.SignupPolicy{Domains: cfg.OIDC.Domains}, Roles: roles,
			TrustEmail: cfg.OIDC.TrustEmail},
	}
	if cfg.GeocoderURL != "" {
		opts.Geocoder = geocode.NewNominatim(cfg.GeocoderURL, geocode.Options{UserAgent: cfg.GeocoderUserAgent,
			Policy: cfg.Outbound, Logger: logger})
	}
	if cfg.Notify.SMTPURL != "" {
		// startRelay has checked these settings already.
		s, err := mail.New(mail.Config{URL: cfg.Notify.SMTPURL, Password: cfg.Notify.SMTPPassword,
			From: cfg.Notify.MailFrom, BaseURL: cfg.Notify.PublicURL, Language: cfg.DefaultLanguage})
		if err != nil {
			logger.Error("account mails are off", "err", err)
		} else {
			mailer := notify.NewAccountMailer(s)
			mailer.Language = cfg.DefaultLanguage
			opts.Mailer = mailer
		}
	}
	a := app.New(store, opts)
	var single *web.SSO
	if cfg.OIDC.Enabled() {
		single = &web.SSO{Name: cfg.OIDC.Name, Provider: sso.New(sso.Config{
			Issuer: cfg.OIDC.Issuer, ClientID: cfg.OIDC.ClientID, ClientSecret: cfg.OIDC.ClientSecret,
			RedirectURL: cfg.OIDC.RedirectURL, RoleClaim: cfg.OIDC.RoleClaim,
		})}
	}
	logger.Info("password hashing bounded", "slots", a.HashSlots(), "bytes_each", carpool.PasswordHashMemory)
	client := clientip.New(cfg.TrustedProxies)
	// Partner operators read shared rides with their own keys, beside the member API.
	mux.Handle(partnerapi.Prefix+"/", partnerapi.NewServer(a, partnerapi.Options{Logger: logger, PublicURL: cfg.Notify.PublicURL}))
	mux.Handle("/api/", httpapi.NewServer(a, store, httpapi.Options{Logger: logger, ClientIP: client}))
	mux.Handle("/", web.NewServer(a, web.Options{Logger: logger, Location: cfg.Timezone, ClientIP: client, SSO: single,
		MapTilesURL: cfg.MapTilesURL, MapAttribution: cfg.MapAttribution,
		Language: cfg.DefaultLanguage}))
	return mux, a
}

// adminHandler routes the admin listener, which is never exposed outside the pod.
func adminHandler(metrics http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics)
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", maskedCmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// maskedCmdline answers as pprof's cmdline handler does (arguments separated by NUL), but
// with secret flag values and URL passwords hidden: a database URL may be given as a flag,
// and whoever reaches the admin port must not learn it from there.
func maskedCmdline(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte(strings.Join(config.MaskArgs(os.Args), "\x00")))
}

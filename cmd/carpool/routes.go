package main

import (
	"log/slog"
	"net/http"
	"net/http/pprof"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/config"
	"carpool/internal/health"
	"carpool/internal/httpapi"
	"carpool/internal/notify"
	"carpool/internal/web"
)

// appHandler routes the main listener: probes, the REST API and the web UI.
func appHandler(cfg *config.Config, store carpool.Store, probes *health.Probes, logger *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	probes.Register(mux)
	a := app.New(store, app.Options{
		Signup:   carpool.SignupPolicy{Domains: cfg.SignupDomains},
		Emission: carpool.EmissionFactor(cfg.CO2PerKM),
		Logger:   logger,
	})
	notifications := notify.NewService(store, notify.ServiceOptions{
		AdminAddr: cfg.AdminAddr, PublicURL: cfg.Notify.PublicURL, Location: cfg.Timezone,
	})
	mux.Handle("/api/", httpapi.NewServer(a, store, httpapi.Options{Logger: logger, Notify: notifications}))
	mux.Handle("/", web.NewServer(a, web.Options{Logger: logger, Location: cfg.Timezone, Notify: notifications}))
	return mux
}

// adminHandler routes the admin listener, which is never exposed outside the pod.
func adminHandler(metrics http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics)
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

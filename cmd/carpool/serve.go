package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"carpool/internal/app"
	"carpool/internal/buildinfo"
	"carpool/internal/carpool"
	"carpool/internal/config"
	"carpool/internal/health"
	"carpool/internal/telemetry"
	"carpool/internal/tokencache"
	"carpool/internal/web"
)

// Bounds of the shutdown steps that have no setting of their own.
const (
	// adminGrace is how long a scrape in progress may take once the main listener has
	// drained.
	adminGrace = 2 * time.Second
	// flushTimeout bounds the final export of buffered spans.
	flushTimeout = 5 * time.Second
	// outboxCountTimeout bounds the count behind carpool_outbox_backlog at each scrape.
	outboxCountTimeout = 2 * time.Second
)

// quietRoutes are logged at debug: kubelets and load balancers call them every few
// seconds.
var quietRoutes = []string{"/livez", "/readyz"}

// serve runs the HTTP server until ctx ends (the first SIGTERM or SIGINT; a second one
// exits at once, see main.go), then shuts down without failing a request it accepted:
//
//  1. /readyz answers 503 at once, so load balancers stop sending new requests;
//  2. the server keeps serving for ShutdownDelay while they notice;
//  3. Shutdown stops accepting and waits up to ShutdownTimeout for in-flight requests;
//  4. the admin listener closes (it served /metrics during the drain), then the
//     database, then telemetry flushes the spans of all of the above.
//
// A clean drain returns nil (exit 0); requests cut off at the timeout return an error.
func (m *Main) serve(ctx context.Context, args []string) (err error) {
	cfg, logger, err := m.load("serve", args, nil)
	if err != nil {
		return err
	}
	bi := buildinfo.Get()
	logger.Info("starting carpool", "version", bi.Version, "commit", bi.Commit, "go", bi.GoVersion, "config", cfg)
	applyMemoryLimit(m.Getenv, logger)

	// Deferred first, so it runs last: after the database has closed.
	stopTracing, err := telemetry.StartTracing(ctx, m.Getenv, bi, logger)
	if err != nil {
		return err
	}
	defer func() {
		fctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
		defer cancel()
		if ferr := stopTracing(fctx); ferr != nil {
			logger.Warn("telemetry not flushed", "err", ferr)
		}
		if err == nil {
			logger.Info("stopped cleanly")
		}
	}()

	db, err := openStore(ctx, cfg, logger, true)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); cerr != nil {
			logger.Error("close database", "err", cerr)
			return
		}
		logger.Info("database closed")
	}()

	metrics := telemetry.NewMetrics(bi)
	if !metrics.RegisterDBPools(cfg.Engine(), db) {
		logger.Warn("metrics: the database engine exposes no pool statistics", "engine", cfg.Engine())
	}
	if oc, ok := db.(telemetry.OutboxCounter); ok {
		metrics.RegisterOutboxBacklog(oc, outboxCountTimeout, logger)
	} else {
		logger.Warn("metrics: the database engine cannot count its outbox backlog", "engine", cfg.Engine())
	}
	if dc, ok := db.(telemetry.DeadDeliveryCounter); ok {
		metrics.RegisterDeadDeliveries(dc, []string{carpool.ChannelEmail, carpool.ChannelWebhook}, outboxCountTimeout, logger)
	} else {
		logger.Warn("metrics: the database engine cannot count its dead deliveries", "engine", cfg.Engine())
	}

	// The relay uses the engine itself: its polling loops must not make spans.
	relay, err := startRelay(cfg, db, metrics, logger)
	if err != nil {
		return err
	}
	defer relay.wait() // before the database closes

	// Probes ping the engine itself: they must not make spans every second.
	probes := health.New(db)
	// Token checks are answered from a short cache (tokencache: revocations reach other
	// replicas within its TTL), so an authenticated read costs no extra round trip.
	store := tokencache.Wrap(telemetry.InstrumentStore(db, metrics), tokencache.Options{})
	handler, accounts := appHandler(cfg, store, probes, metrics, metrics.RegisterSignInRefusals(app.SignInRefusals), logger)
	defer accounts.Wait() // account mails still being sent, before the database closes
	srv := &http.Server{
		Handler: telemetry.Middleware(handler, telemetry.HTTPOptions{
			Logger: logger, Metrics: metrics, QuietRoutes: quietRoutes, SecretRoutes: []string{web.FeedRoute}, NoSpans: !telemetry.TracingOn(),
		}),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	admin := &http.Server{
		Handler:           adminHandler(metrics.Handler()),
		ReadHeaderTimeout: 5 * time.Second,
		// A CPU profile or trace runs for its ?seconds=, 30 by default.
		WriteTimeout: 5 * time.Minute,
		IdleTimeout:  120 * time.Second,
		ErrorLog:     srv.ErrorLog,
	}

	// Listen before serving so that a taken port fails the start, not a goroutine.
	httpLn, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on CARPOOL_HTTP_ADDR: %w", err)
	}
	adminLn, err := net.Listen("tcp", cfg.AdminAddr)
	if err != nil {
		httpLn.Close()
		return fmt.Errorf("listen on CARPOOL_ADMIN_ADDR: %w", err)
	}
	serveErr := make(chan error, 2)
	go func() { serveErr <- srv.Serve(httpLn) }()
	go func() { serveErr <- admin.Serve(adminLn) }()
	logger.Info("listening", "http", httpLn.Addr().String(), "admin", adminLn.Addr().String())

	// Ride series become rides in the background on every replica (the store makes each
	// day once). The job stops with the first signal and is waited for before the
	// database closes: deferred calls run last in, first out.
	jobCtx, stopJob := context.WithCancel(ctx)
	jobDone := make(chan struct{})
	go func() {
		defer close(jobDone)
		app.New(store, app.Options{Limits: ptr(cfg.Limits()), Parking: cfg.Parking()}).RunSeries(jobCtx, cfg.SeriesHorizon, cfg.SeriesInterval, logger)
	}()
	defer func() { stopJob(); <-jobDone }()

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		srv.Close()
		admin.Close()
		return fmt.Errorf("serve: %w", err)
	}
	// The relay's sends in flight finish while requests drain, within the same bound.
	relay.stop(cfg.ShutdownDelay + cfg.ShutdownTimeout)
	return shutdown(cfg, logger, probes, metrics, srv, admin)
}

// shutdown runs steps 1 to 3 of serve's shutdown and closes the admin listener; serve's
// deferred calls close the database and flush telemetry after it.
func shutdown(cfg *config.Config, logger *slog.Logger, probes *health.Probes, metrics *telemetry.Metrics, srv, admin *http.Server) error {
	probes.Drain()
	logger.Info("shutting down: readiness off, still serving",
		"delay", cfg.ShutdownDelay.String(), "in_flight", metrics.InFlight())
	time.Sleep(cfg.ShutdownDelay)

	logger.Info("shutting down: stopped accepting, draining in-flight requests",
		"timeout", cfg.ShutdownTimeout.String(), "in_flight", metrics.InFlight())
	drainCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	drainErr := srv.Shutdown(drainCtx)
	if drainErr != nil {
		// Out of time: cut the requests still running rather than leave them to the
		// exit, and say how many there were.
		logger.Error("shutting down: drain timed out, closing connections", "in_flight", metrics.InFlight())
		srv.Close()
	} else {
		logger.Info("shutting down: all requests drained")
	}

	// The admin listener goes last so /metrics can be scraped during the drain.
	adminCtx, cancelAdmin := context.WithTimeout(context.Background(), adminGrace)
	defer cancelAdmin()
	if err := admin.Shutdown(adminCtx); err != nil {
		admin.Close()
	}
	logger.Info("admin listener closed")

	if drainErr != nil {
		return fmt.Errorf("drain requests within CARPOOL_SHUTDOWN_TIMEOUT=%s: %w", cfg.ShutdownTimeout, drainErr)
	}
	return nil
}

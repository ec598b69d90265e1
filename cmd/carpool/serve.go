package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"carpool/internal/buildinfo"
	"carpool/internal/health"
)

// serve runs the HTTP server until ctx ends (the first SIGTERM or SIGINT), then shuts
// down without failing a request it accepted:
//
//  1. /readyz answers 503 at once, so load balancers stop sending new requests;
//  2. the server keeps serving for ShutdownDelay while they notice;
//  3. Shutdown stops accepting and waits up to ShutdownTimeout for in-flight requests;
//  4. the admin listener, the database and telemetry close.
func (m *Main) serve(ctx context.Context, args []string) error {
	cfg, logger, err := m.load("serve", args, nil)
	if err != nil {
		return err
	}
	bi := buildinfo.Get()
	logger.Info("starting carpool", "version", bi.Version, "commit", bi.Commit, "go", bi.GoVersion, "config", cfg)

	store, err := openStore(ctx, cfg, logger, true)
	if err != nil {
		return err
	}
	defer func() {
		if err := store.Close(); err != nil {
			logger.Error("close database", "err", err)
		}
	}()

	probes := health.New(store)
	srv := &http.Server{
		Handler:           appHandler(cfg, store, probes, logger),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	admin := &http.Server{
		Handler:           adminHandler(),
		ReadHeaderTimeout: 5 * time.Second,
		ErrorLog:          srv.ErrorLog,
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

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		srv.Close()
		admin.Close()
		return fmt.Errorf("serve: %w", err)
	}

	probes.Drain()
	logger.Info("shutting down: readiness off, still serving", "delay", cfg.ShutdownDelay.String())
	time.Sleep(cfg.ShutdownDelay)

	logger.Info("shutting down: draining in-flight requests", "timeout", cfg.ShutdownTimeout.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	drainErr := srv.Shutdown(shutdownCtx)
	// The admin listener goes last so /metrics can be scraped during the drain.
	if err := admin.Shutdown(shutdownCtx); err != nil {
		admin.Close()
	}
	if drainErr != nil {
		return fmt.Errorf("drain requests: %w", drainErr)
	}
	logger.Info("stopped cleanly")
	return nil
}

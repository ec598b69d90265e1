package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"carpool/internal/app"
	"carpool/internal/carpool"
	"carpool/internal/config"
	"carpool/internal/mail"
	"carpool/internal/notify"
	"carpool/internal/telemetry"
	"carpool/internal/webhook"
)

// relayRun is the notification relay running beside the HTTP server.
type relayRun struct {
	cancel   context.CancelFunc
	done     chan struct{}
	logger   *slog.Logger
	once     sync.Once
	deadline time.Time
}

// startRelay starts the outbox relay of this replica. Its senders are checked here, so a
// bad mail setting fails the start rather than the first delivery.
func startRelay(cfg *config.Config, store carpool.Store, metrics *telemetry.Metrics, logger *slog.Logger) (*relayRun, error) {
	senders := map[string]notify.Sender{
		carpool.ChannelWebhook: webhook.NewSender(webhook.Options{Lookup: store.Webhook, AdminAddr: cfg.AdminAddr,
			Policy: cfg.Outbound, Logger: logger}),
	}
	if cfg.Notify.SMTPURL != "" {
		s, err := mail.New(mail.Config{URL: cfg.Notify.SMTPURL, Password: cfg.Notify.SMTPPassword,
			From: cfg.Notify.MailFrom, BaseURL: cfg.Notify.PublicURL, Language: cfg.DefaultLanguage})
		if err != nil {
			return nil, fmt.Errorf("invalid %w", err)
		}
		senders[carpool.ChannelEmail] = s
	} else {
		logger.Info("notifications: no CARPOOL_SMTP_URL, e-mail is off (inbox and webhooks only)")
	}
	relay := notify.New(store, notify.Options{
		Senders:      senders,
		Logger:       logger,
		Location:     cfg.Timezone,
		Language:     cfg.DefaultLanguage,
		Metrics:      notify.NewMetrics(metrics.Registry),
		MaxAttempts:  cfg.Notify.MaxAttempts,
		Lease:        cfg.Notify.Lease,
		Retention:    cfg.Notify.Retention,
		ReminderLead: cfg.Notify.ReminderLead,
		PurgeAfter:   cfg.Notify.PurgeAfter,
		Purge:        app.New(store, app.Options{}).PurgeBefore,
	})
	ctx, cancel := context.WithCancel(context.Background())
	r := &relayRun{cancel: cancel, done: make(chan struct{}), logger: logger}
	go func() {
		defer close(r.done)
		_ = relay.Run(ctx) // returns ctx's error only, which stop caused
	}()
	return r, nil
}

// stop tells the relay to stop claiming work; sends in flight go on, and wait gives
// them until within from now. serve calls it when shutdown begins, so they finish while
// requests drain rather than after.
func (r *relayRun) stop(within time.Duration) {
	r.once.Do(func() {
		r.deadline = time.Now().Add(within)
		r.cancel()
	})
}

// wait returns when the relay has stopped or its time is up; what is left is claimed by
// another replica (or this one after a restart) once its lease ends.
func (r *relayRun) wait() {
	r.stop(0) // serve failed before shutdown: nothing may delay the exit
	select {
	case <-r.done:
		r.logger.Info("notification relay stopped")
	case <-time.After(time.Until(r.deadline)):
		r.logger.Warn("notification relay still sending at the shutdown timeout; leases hand the rest to another replica")
	}
}

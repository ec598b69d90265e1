// Package notify delivers the outbox: a relay that every `carpool serve` runs fans each
// committed event out to the in-app inbox of the members it concerns, and to e-mail and
// webhooks, which it sends with retries. Several replicas on one PostgreSQL share the
// work through the store (one fans out at a time; deliveries are leased), so each
// (event, channel, recipient) is stored once and sent until it succeeds or dies.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"golang.org/x/text/language"

	"carpool/internal/carpool"
	"carpool/internal/locale"
)

// Sender sends one delivery over its channel. An error means "try again later";
// a Permanent error means no retry can succeed.
type Sender interface {
	Send(ctx context.Context, d carpool.Delivery) error
}

// Permanent marks a send error that retrying cannot cure (a webhook URL that answers
// 410, a mail address the server refuses outright): the delivery dies at once. Senders
// may also return any error with a method Permanent() bool that reports true.
func Permanent(err error) error { return &permanentError{err} }

type permanentError struct{ err error }

func (e *permanentError) Error() string   { return e.err.Error() }
func (e *permanentError) Unwrap() error   { return e.err }
func (e *permanentError) Permanent() bool { return true }

// Failed is a failed attempt whose record says reason, a fixed text fit for the admins'
// list of dead deliveries, while the log keeps the cause (a server's own words, which may
// name addresses and hosts, or change with each attempt).
func Failed(reason string, cause error) error { return &failure{reason: reason, cause: cause} }

type failure struct {
	reason string
	cause  error
}

func (e *failure) Error() string { return e.reason + ": " + e.cause.Error() }
func (e *failure) Unwrap() error { return e.cause }

// recorded is what a delivery's record says of a failed attempt: its reason when it has
// one, else the error's text.
func recorded(err error) error {
	var f *failure
	if errors.As(err, &f) {
		return errors.New(f.reason)
	}
	return err
}

func isPermanent(err error) bool {
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}

// Options configure a Relay. Zero durations and counts take the defaults in brackets.
type Options struct {
	Senders  map[string]Sender // by channel; a channel without a sender is not fanned out to
	Logger   *slog.Logger
	Location *time.Location // for times in texts [UTC]
	// Language speaks to members who chose none [English].
	Language language.Tag
	Metrics  *Metrics // may be nil
	Now      func() time.Time

	Poll         time.Duration // how often to look for work when idle [200ms]
	Batch        int           // events fanned out per transaction [200]
	Lease        time.Duration // how long a claimed delivery is hidden from other replicas [1m]
	SendTimeout  time.Duration // bound of one send [15s]
	MaxAttempts  int           // attempts before a delivery is dead [8]
	BackoffBase  time.Duration // wait after the first failure, doubling [5s]
	BackoffMax   time.Duration // longest wait between attempts [1h]
	Retention    time.Duration // delivered rows older than this are purged [168h]
	ReminderLead time.Duration // reminders go out this long before departure [60m]
	// PurgeAfter is the retention of notifications, delivered outbox rows and audit
	// entries; 0 keeps them for ever.
	PurgeAfter time.Duration
	// Purge deletes what is older than before and records it (app.App.PurgeBefore); the
	// relay only decides when. Nil: nothing is purged.
	Purge func(ctx context.Context, before time.Time) (carpool.Purged, error)
	// WebhookMaxFailures failed attempts in a row disable a webhook [20].
	WebhookMaxFailures int
}

// Relay runs the delivery loops of one process.
type Relay struct {
	store   RelayStore
	senders map[string]Sender
	log     *slog.Logger
	loc     *time.Location
	lang    language.Tag
	m       *Metrics
	now     func() time.Time
	o       Options
	// wake makes the fan-out loop look now rather than at its next tick.
	wake chan struct{}
}

// New returns a relay over store.
func New(store RelayStore, o Options) *Relay {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.Poll, 200*time.Millisecond)
	def(&o.Lease, time.Minute)
	def(&o.SendTimeout, 15*time.Second)
	def(&o.BackoffBase, 5*time.Second)
	def(&o.BackoffMax, time.Hour)
	def(&o.Retention, 7*24*time.Hour)
	def(&o.ReminderLead, time.Hour)
	if o.Batch <= 0 {
		o.Batch = 200
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.WebhookMaxFailures <= 0 {
		o.WebhookMaxFailures = 20
	}
	r := &Relay{store: store, senders: o.Senders, log: o.Logger, loc: o.Location, lang: o.Language, m: o.Metrics, now: o.Now, o: o,
		wake: make(chan struct{}, 1)}
	if r.senders == nil {
		r.senders = map[string]Sender{}
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	if r.loc == nil {
		r.loc = time.UTC
	}
	if r.lang == (language.Tag{}) {
		r.lang = locale.Default
	}
	if r.now == nil {
		r.now = time.Now
	}
	return r
}

// Run delivers until ctx ends, then lets the sends in flight finish (each bounded by
// SendTimeout) and returns. A delivery claimed by a process that dies instead is sent
// by another once its lease ends. Failures are logged here and retried; Run returns
// only ctx's error.
func (r *Relay) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	loops := []func(context.Context){r.fanOutLoop, r.deliverLoop, r.housekeepingLoop}
	for _, loop := range loops {
		wg.Add(1)
		go func() { defer wg.Done(); loop(ctx) }()
	}
	wg.Wait()
	return ctx.Err()
}

// FanOut fans out every waiting event now and reports how many it took; tests and the
// loops call it.
func (r *Relay) FanOut(ctx context.Context) (int, error) {
	total := 0
	for {
		var lags []time.Duration
		seen := map[string]bool{}
		n, err := r.store.FanOutEvents(ctx, r.o.Batch, func(ctx context.Context, e carpool.Event) (carpool.Fanout, error) {
			f, err := r.plan(ctx, e)
			if err == nil && !seen[e.ID] && len(f.Notifications) > 0 {
				seen[e.ID] = true
				for range f.Notifications {
					lags = append(lags, r.now().Sub(e.CreatedAt))
				}
			}
			return f, err
		})
		if err != nil {
			return total, err
		}
		total += n
		if n == 0 {
			lags = nil // the plans were dropped: another replica stored these events
		}
		r.m.fannedOut(n, lags)
		if n < r.o.Batch {
			return total, nil
		}
	}
}

// Deliver claims the deliveries that are due and sends them, all at once, and returns
// how many it claimed.
func (r *Relay) Deliver(ctx context.Context) (int, error) {
	batch, err := r.store.ClaimDeliveries(ctx, r.now(), r.o.Lease, 32)
	if err != nil {
		return 0, err
	}
	var wg sync.WaitGroup
	for _, d := range batch {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.deliver(ctx, d)
		}()
	}
	wg.Wait()
	return len(batch), nil
}

// deliver sends one claimed delivery and records the outcome. It finishes even when ctx
// ends meanwhile: a send that went out must be recorded, or it would be sent again.
func (r *Relay) deliver(ctx context.Context, d carpool.Delivery) {
	ctx = context.WithoutCancel(ctx)
	sender := r.senders[d.Channel]
	var err error
	if sender == nil {
		err = fmt.Errorf("channel %s is not configured in this process", d.Channel)
	} else {
		sctx, cancel := context.WithTimeout(ctx, r.o.SendTimeout)
		err = sender.Send(sctx, d)
		cancel()
	}
	now := r.now()
	var retryAt time.Time
	if err != nil && d.Attempts < r.o.MaxAttempts && !isPermanent(err) {
		retryAt = now.Add(r.backoff(d.Attempts))
	}
	if ferr := r.store.FinishDelivery(ctx, d, recorded(err), retryAt); ferr != nil {
		r.log.Error("notify: record delivery", "delivery", d.ID, "channel", d.Channel, "err", ferr)
		return
	}
	if d.Channel == carpool.ChannelWebhook {
		r.webhookOutcome(ctx, d, err)
	}
	switch {
	case err == nil:
		r.m.delivered(d.Channel, now.Sub(d.EventCreatedAt))
	case retryAt.IsZero():
		r.m.dead(d.Channel)
		r.log.Error("notify: delivery dead", "delivery", d.ID, "channel", d.Channel, "attempts", d.Attempts, "err", err)
	default:
		r.m.failed(d.Channel)
		r.log.Warn("notify: delivery failed, will retry", "delivery", d.ID, "channel", d.Channel,
			"attempt", d.Attempts, "retry_at", retryAt, "err", err)
	}
}

// webhookOutcome counts the attempt against the webhook, which may disable it.
func (r *Relay) webhookOutcome(ctx context.Context, d carpool.Delivery, sendErr error) {
	// The store hands one note to every admin, so it speaks the default language.
	words := locale.For(r.lang)
	note := carpool.Notification{EventID: "webhook-disabled-" + d.Recipient + "-" + d.ID, Kind: "webhook.disabled",
		Title: words.T("notify.webhook_disabled.title"), Link: "/admin/webhooks", Language: words.Code(),
		Body: words.T("notify.webhook_disabled.body", "Webhook", d.Recipient, "Failures", r.o.WebhookMaxFailures)}
	disabled, err := r.store.WebhookResult(ctx, d.Recipient, sendErr == nil, r.o.WebhookMaxFailures, note)
	if err != nil {
		if carpool.ErrorCode(err) != carpool.ENOTFOUND {
			r.log.Error("notify: record webhook result", "webhook", d.Recipient, "err", err)
		}
		return
	}
	if disabled {
		r.log.Warn("notify: webhook disabled after repeated failures", "webhook", d.Recipient)
	}
}

// backoff is the wait after the given failed attempt: BackoffBase doubled per attempt,
// at most BackoffMax, with jitter (half fixed, half random) so that deliveries that
// failed together do not come back together.
func (r *Relay) backoff(attempt int) time.Duration {
	d := r.o.BackoffBase
	for i := 1; i < attempt && d < r.o.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, r.o.BackoffMax)
	return d/2 + rand.N(d/2+1)
}

func (r *Relay) fanOutLoop(ctx context.Context) {
	t := time.NewTicker(r.o.Poll)
	defer t.Stop()
	for {
		if _, err := r.FanOut(ctx); err != nil && ctx.Err() == nil {
			r.log.Error("notify: fan out", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-r.wake:
		}
	}
}

func (r *Relay) deliverLoop(ctx context.Context) {
	t := time.NewTicker(r.o.Poll)
	defer t.Stop()
	for {
		n, err := r.Deliver(ctx)
		if err != nil && ctx.Err() == nil {
			r.log.Error("notify: deliver", "err", err)
		}
		if n > 0 && ctx.Err() == nil {
			continue // more may be due
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// housekeepingLoop writes due reminders (each once, see DueReminders), purges old
// delivered rows and prunes closed address-search windows.
func (r *Relay) housekeepingLoop(ctx context.Context) {
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	lastPurge := time.Time{}
	for {
		if _, err := r.Remind(ctx); err != nil && ctx.Err() == nil {
			r.log.Error("notify: reminders", "err", err)
		}
		if now := r.now(); now.Sub(lastPurge) > time.Hour {
			n, err := r.store.PurgeDeliveries(ctx, now.Add(-r.o.Retention))
			if err != nil && ctx.Err() == nil {
				r.log.Error("notify: purge", "err", err)
			} else if err == nil {
				lastPurge = now
				if n > 0 {
					r.log.Info("notify: purged delivered rows", "deliveries", n, "older_than", r.o.Retention.String())
				}
			}
			if r.o.PurgeAfter > 0 && r.o.Purge != nil {
				r.purgeOld(ctx, now)
			}
			r.pruneAddressSearches(ctx, now)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Remind writes the reminders that are due and wakes the fan-out for them.
func (r *Relay) Remind(ctx context.Context) (int, error) {
	n, err := r.store.DueReminders(ctx, r.now(), r.o.ReminderLead)
	if n > 0 {
		select {
		case r.wake <- struct{}{}:
		default:
		}
	}
	return n, err
}

// pruneAddressSearches deletes the closed windows of the members' address-search
// counts, which only limit searches while their window is open.
func (r *Relay) pruneAddressSearches(ctx context.Context, now time.Time) {
	if _, err := r.store.PruneAddressSearchCounts(ctx, carpool.PrunableAddressSearches(now)); err != nil && ctx.Err() == nil {
		r.log.Error("housekeeping: prune address search counts", "err", err)
	}
}

// purgeOld deletes what is older than the retention. Every replica runs it hourly; the
// store deletes each row once however many run at the same time.
func (r *Relay) purgeOld(ctx context.Context, now time.Time) {
	p, err := r.o.Purge(ctx, now.Add(-r.o.PurgeAfter))
	switch {
	case err != nil && ctx.Err() == nil:
		r.log.Error("retention: purge", "err", err)
	case err == nil && p.Total() > 0:
		r.log.Info("retention: purged old rows", "notifications", p.Notifications, "deliveries", p.Deliveries,
			"events", p.Events, "audit_entries", p.Audit, "links", p.Links, "older_than", r.o.PurgeAfter.String())
	}
}

package app

import (
	"context"
	"time"

	"carpool/internal/carpool"
)

// Mailer sends mails about a person's own account. internal/notify implements it over
// the SMTP sender.
type Mailer interface {
	SendAccountMail(ctx context.Context, m carpool.AccountMail) error
}

// maxMailJobs bounds the account-mail jobs that run at once; beyond it a job is dropped
// (and logged), and the person asks again.
const maxMailJobs = 64

// mailJobTimeout bounds one job, retries of its send included.
const mailJobTimeout = time.Minute

// MailOn reports whether account mails can be sent (CARPOOL_SMTP_URL is set): password
// reset by mail and address changes need them.
func (a *App) MailOn() bool { return a.mailer != nil }

// later runs job in the background, after the request that asked for it has answered.
// Use cases whose answer must not tell whether an address has an account do their
// lookups and mails here, so the answer also takes the same time either way.
func (a *App) later(ctx context.Context, what string, job func(ctx context.Context) error) {
	select {
	case a.mailJobs <- struct{}{}:
	default:
		a.log.WarnContext(ctx, "account mail dropped: too many at once", "job", what)
		return
	}
	a.jobs.Add(1)
	go func() {
		defer a.jobs.Done()
		defer func() { <-a.mailJobs }()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), mailJobTimeout)
		defer cancel()
		if err := job(ctx); err != nil {
			a.log.ErrorContext(ctx, "account mail failed", "job", what, "err", err)
		}
	}()
}

// Wait returns once the background jobs started so far have ended, so that a process
// can finish them before it closes the database.
func (a *App) Wait() { a.jobs.Wait() }

// send mails m; without a mailer it does nothing.
func (a *App) send(ctx context.Context, m carpool.AccountMail) error {
	if a.mailer == nil {
		return nil
	}
	return a.mailer.SendAccountMail(ctx, m)
}

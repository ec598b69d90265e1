package app

import (
	"context"
	"strings"

	"carpool/internal/carpool"
	"carpool/internal/outbound"
	"carpool/internal/webhook"
)

func adminOnly(me carpool.Member) error {
	if me.Role != carpool.RoleAdmin {
		return carpool.Errorf(carpool.EFORBIDDEN, "only admins manage webhooks and deliveries")
	}
	return nil
}

// WebhookInput is what an admin registers.
type WebhookInput struct {
	URL         string
	Events      []string // empty: every event
	Description string
}

// CreateWebhook registers an endpoint and returns it with its signing secret, which is
// shown this once.
func (a *App) CreateWebhook(ctx context.Context, me carpool.Member, in WebhookInput) (carpool.Webhook, error) {
	if err := adminOnly(me); err != nil {
		return carpool.Webhook{}, err
	}
	// Every wrong field is reported at once.
	errs := []error{webhook.CheckURL(in.URL, a.adminAddr, a.outbound)}
	for _, e := range in.Events {
		if !strings.Contains(e, ".") || strings.ContainsAny(e, ", ") {
			errs = append(errs, carpool.FieldErrorf(carpool.EINVALID, "events", "%q is not an event type like booking.confirmed", e))
			break
		}
	}
	description, err := carpool.CleanWebhookDescription(in.Description)
	errs = append(errs, err)
	if err := carpool.JoinInvalid(errs...); err != nil {
		return carpool.Webhook{}, err
	}
	w := carpool.Webhook{ID: carpool.NewID(), URL: in.URL, Secret: webhook.NewSecret(), Events: in.Events,
		Description: description, Enabled: true, CreatedAt: a.Now()}
	if err := a.store.CreateWebhook(ctx, w); err != nil {
		return carpool.Webhook{}, err
	}
	return w, nil
}

// Webhooks lists the registered endpoints (secrets included: admins only).
func (a *App) Webhooks(ctx context.Context, me carpool.Member) ([]carpool.Webhook, error) {
	if err := adminOnly(me); err != nil {
		return nil, err
	}
	hooks, err := a.store.Webhooks(ctx)
	for i := range hooks {
		// Registered before user-info was refused: the password stays out of sight.
		hooks[i].URL = outbound.Redact(hooks[i].URL)
	}
	return hooks, err
}

// DeleteWebhook removes an endpoint and its unsent deliveries.
func (a *App) DeleteWebhook(ctx context.Context, me carpool.Member, id string) error {
	if err := adminOnly(me); err != nil {
		return err
	}
	return a.store.DeleteWebhook(ctx, id)
}

// EnableWebhook turns a disabled endpoint on again.
func (a *App) EnableWebhook(ctx context.Context, me carpool.Member, id string) error {
	if err := adminOnly(me); err != nil {
		return err
	}
	return a.store.EnableWebhook(ctx, id)
}

// DeadDeliveries lists the deliveries that used all their attempts.
func (a *App) DeadDeliveries(ctx context.Context, me carpool.Member, p carpool.Page) ([]carpool.Delivery, string, error) {
	if err := adminOnly(me); err != nil {
		return nil, "", err
	}
	return a.store.DeadDeliveries(ctx, p)
}

// RetryDelivery sends a dead delivery again, with fresh attempts.
func (a *App) RetryDelivery(ctx context.Context, me carpool.Member, id string) error {
	if err := adminOnly(me); err != nil {
		return err
	}
	return a.store.RetryDelivery(ctx, id)
}

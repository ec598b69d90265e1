-- The language each notification was written in, so a page in another language marks it
-- (lang) for screen readers; and e-mail choices that can say no. A member's row per kind
-- now says whether they want that kind mailed (email = 1) or kept to the inbox (0); a kind
-- without a row takes its default (carpool.MailedByDefault: what needs the member's action
-- or changes their plans). Rows written before were opt-ins; a member who had chosen any
-- keeps exactly their choice, so the kinds they left out get an explicit 0. Members who had
-- chosen none cannot be told from those who never looked: they get the defaults.
-- internal/sqlite/migrations/00020_notification_language_and_mail_defaults.sql mirrors it.

-- +goose Up
ALTER TABLE notifications ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE email_preferences ADD COLUMN email INTEGER NOT NULL DEFAULT 1 CHECK (email IN (0, 1));
INSERT INTO email_preferences (member_id, kind, email)
SELECT m.member_id, k.kind, 0
FROM (SELECT DISTINCT member_id FROM email_preferences) AS m
CROSS JOIN (VALUES ('booking.requested'), ('booking.confirmed'), ('booking.rejected'), ('booking.cancelled'), ('ride.updated'),
        ('reservation.cancelled'), ('ride.reminder'), ('series.skipped'), ('series.ended'), ('series.conflict')) AS k (kind)
WHERE true
ON CONFLICT DO NOTHING;

-- +goose Down
DELETE FROM email_preferences WHERE email = 0;
ALTER TABLE email_preferences DROP COLUMN email;
ALTER TABLE notifications DROP COLUMN language;

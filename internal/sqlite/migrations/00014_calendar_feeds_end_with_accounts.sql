-- A calendar feed's token (stored only as its SHA-256, never in clear) is a credential
-- of its member, so a feed ends with the account: deactivation and erasure now revoke
-- it. Tokens of members deactivated or erased before that rule are dropped here, so no
-- old feed URL keeps answering.

-- +goose Up
DELETE FROM calendar_tokens
WHERE member_id IN (SELECT id FROM members WHERE deactivated_at IS NOT NULL OR email LIKE 'erased-%@invalid');

-- +goose Down
-- A revoked token cannot be restored: its clear value was never stored.
SELECT 1;

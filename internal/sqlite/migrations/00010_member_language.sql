-- The language a member chose for pages, e-mails and notifications ("en", "de");
-- empty leaves it to their browser's Accept-Language and the configured default.

-- +goose Up
ALTER TABLE members ADD COLUMN language TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE members DROP COLUMN language;

-- Partner operators (journey planners, MaaS apps) read the rides members chose to share
-- through the standard-covoiturage API. A partner's key is kept only as its SHA-256; the
-- alias salt, never shown, makes each partner's driver aliases its own, so two partners
-- cannot link the same driver between them. Sharing is off until a member turns it on.

-- +goose Up
CREATE TABLE partners (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL CHECK (name <> ''),
    key_hash   TEXT NOT NULL UNIQUE,
    alias_salt TEXT NOT NULL CHECK (alias_salt <> ''),
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);

ALTER TABLE members ADD COLUMN share_with_partners INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE members DROP COLUMN share_with_partners;
DROP TABLE partners;

-- Account links: single-use links mailed to a member to reset a forgotten password or to
-- confirm a new e-mail address. Only the SHA-256 of the secret is stored. A member has at
-- most one link per purpose; the newest replaces the older. internal/postgres has the
-- same table.

-- +goose Up
CREATE TABLE account_links (
    id         TEXT PRIMARY KEY,
    member_id  TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL CHECK (purpose IN ('password_reset', 'email_change')),
    hash       TEXT NOT NULL UNIQUE,
    email      TEXT NOT NULL DEFAULT '' CHECK (email = lower(email)),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL CHECK (expires_at > created_at)
);
CREATE UNIQUE INDEX account_links_member_purpose_key ON account_links (member_id, purpose);
CREATE INDEX account_links_expires_idx ON account_links (expires_at);

-- +goose Down
DROP TABLE account_links;

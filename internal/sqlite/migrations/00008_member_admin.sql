-- Member administration: a member who left is deactivated (kept for the history of
-- shared rides, unable to sign in), and an append-only audit log records who changed
-- roles, deactivated people and changed the fleet.

-- +goose Up
ALTER TABLE members ADD COLUMN deactivated_at TIMESTAMP;

-- actor_id is no foreign key: the log outlives the accounts it names.
CREATE TABLE audit_log (
    id           TEXT PRIMARY KEY,
    at           TIMESTAMP NOT NULL,
    actor_id     TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL CHECK (action <> ''),
    subject_type TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at_idx ON audit_log (at, id);
CREATE INDEX audit_log_subject_idx ON audit_log (subject_id);

-- Entries are never changed; only the retention purge deletes old ones.
-- +goose StatementBegin
CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_log_append_only;
DROP TABLE audit_log;
ALTER TABLE members DROP COLUMN deactivated_at;

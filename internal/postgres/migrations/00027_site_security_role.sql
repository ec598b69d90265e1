-- Site security: the guard at a site's gate signs in to read the day's parking list and
-- nothing else. The role joins the three a member may have.

-- +goose Up
ALTER TABLE members DROP CONSTRAINT members_role_check;
ALTER TABLE members ADD CONSTRAINT members_role_check CHECK (role IN ('member', 'fleet_manager', 'admin', 'site_security'));

-- +goose Down
UPDATE members SET role = 'member' WHERE role = 'site_security';
ALTER TABLE members DROP CONSTRAINT members_role_check;
ALTER TABLE members ADD CONSTRAINT members_role_check CHECK (role IN ('member', 'fleet_manager', 'admin'));

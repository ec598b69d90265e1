package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestPartnersCommands(t *testing.T) {
	path := filepath.Join(t.TempDir(), "carpool.db")
	env := map[string]string{"CARPOOL_DATABASE_URL": "sqlite://" + path, "CARPOOL_LOG_FORMAT": "text"}
	if r := run(t, env, "", "migrate"); r.code != 0 {
		t.Fatalf("migrate: exit %d: %s", r.code, r.stderr)
	}
	r := run(t, env, "", "partners", "add", "--name", "City planner")
	id := regexp.MustCompile(`with id (\S+)`).FindStringSubmatch(r.stdout)
	if r.code != 0 || id == nil || !strings.Contains(r.stdout, "key (shown once") || !strings.Contains(r.stdout, "cpk_") {
		t.Fatalf("partners add: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	key := regexp.MustCompile(`cpk_\S+`).FindString(r.stdout)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"partners", "list"}, 0, id[1] + "  City planner  active"},
		{[]string{"partners", "add", "--name", " "}, exitError, "name"},
		{[]string{"partners", "revoke", "--id", id[1]}, 0, "revoked partner City planner"},
		{[]string{"partners", "revoke", "--id", id[1]}, exitError, "already revoked"},
		{[]string{"partners", "list"}, 0, "revoked"},
		{[]string{"partners", "revoke"}, exitUsage, "--id"},
		{[]string{"partners", "fly"}, exitUsage, "subcommand"},
	} {
		r := run(t, env, "", c.args...)
		if r.code != c.code || !strings.Contains(r.stdout+r.stderr, c.want) {
			t.Errorf("%v: exit %d, %q %q; want %d with %q", c.args, r.code, r.stdout, r.stderr, c.code, c.want)
		}
		if strings.Contains(r.stdout+r.stderr, key) {
			t.Errorf("%v shows the key again", c.args)
		}
	}
}

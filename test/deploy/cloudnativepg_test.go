package deploy_test

import (
	"strings"
	"testing"
)

// operatorPods are the pods the CloudNativePG operator creates for each rendered Cluster,
// as v1.28 makes them: the Cluster's inherited labels plus cnpg.io/cluster, one container
// with PostgreSQL (5432), the instance manager's status (8000) and metrics (9187) ports.
// The rendering holds no template of them, yet NetworkPolicies must select them.
func operatorPods(objs []object) []podTemplate {
	var pts []podTemplate
	for _, o := range objs {
		if o.kind() != "Cluster" || !strings.HasPrefix(str(o["apiVersion"]), "postgresql.cnpg.io/") {
			continue
		}
		labels := map[string]any{"cnpg.io/cluster": o.name(), "cnpg.io/podRole": "instance"}
		for k, v := range mapOf(get(o, "spec", "inheritedMetadata", "labels")) {
			labels[k] = v
		}
		pts = append(pts, podTemplate{owner: o, labels: labels, spec: map[string]any{
			"containers": []any{map[string]any{"name": "postgres", "ports": []any{
				map[string]any{"name": "postgresql", "containerPort": 5432},
				map[string]any{"name": "status", "containerPort": 8000},
				map[string]any{"name": "metrics", "containerPort": 9187},
			}}},
		}})
	}
	return pts
}

// TestCloudNativePGMode: postgresql.mode cloudnative-pg renders a Cluster of two instances
// instead of the StatefulSet, and every carpool pod reads its database URL from the
// Secret the operator generates for that Cluster, whose URL names the -rw Service.
func TestCloudNativePGMode(t *testing.T) {
	all := render(t)
	objs := all["helm-cloudnative-pg"]
	ix := indexOf(objs)
	cluster, ok := ix["Cluster/carpool-postgresql"]
	if !ok {
		t.Fatal("Cluster/carpool-postgresql is not rendered")
	}
	if n := num(get(cluster, "spec", "instances")); n != 2 {
		t.Errorf("Cluster instances %d, want 2 (a primary and a standby)", n)
	}
	if db, owner := str(get(cluster, "spec", "bootstrap", "initdb", "database")), str(get(cluster, "spec", "bootstrap", "initdb", "owner")); db != "carpool" || owner != "carpool" {
		t.Errorf("Cluster bootstraps database %q owned by %q, want carpool and carpool", db, owner)
	}
	if mc := str(get(cluster, "spec", "postgresql", "parameters", "max_connections")); mc == "" {
		t.Error("Cluster sets no max_connections")
	}
	for _, id := range []string{"StatefulSet/carpool-postgresql", "Service/carpool-postgresql", "Service/carpool-postgresql-hl", "Secret/carpool-db"} {
		if _, ok := ix[id]; ok {
			t.Errorf("%s is rendered although the operator runs PostgreSQL", id)
		}
	}
	if hook := str(ix["Job/carpool-migrate"].annotations()["helm.sh/hook"]); !strings.Contains(hook, "post-install") {
		t.Errorf("migration hook %q, want post-install: the database is created by the release", hook)
	}
	if data := mapOf(ix["ConfigMap/carpool"]["data"]); data["POSTGRES_HOST"] != nil {
		t.Errorf("ConfigMap names POSTGRES_HOST %v; the URL comes from the operator's Secret", data["POSTGRES_HOST"])
	}
	var checked int
	for _, p := range podTemplates(objs) {
		if p.owner.isHelmTest() {
			continue
		}
		for _, c := range p.containers(true) {
			for _, e := range list(c["env"]) {
				e := mapOf(e)
				switch str(e["name"]) {
				case "POSTGRES_PASSWORD_FILE":
					t.Errorf("%s container %s reads a password file; want the operator's URL", p, c["name"])
				case "CARPOOL_DATABASE_URL_FILE":
					checked++
					if str(e["value"]) != "/etc/carpool/db/database-url" {
						t.Errorf("%s container %s: CARPOOL_DATABASE_URL_FILE=%v", p, c["name"], e["value"])
					}
					s := mapOf(p.volume("db-credentials")["secret"])
					if str(s["secretName"]) != "carpool-postgresql-app" {
						t.Errorf("%s: database credentials from Secret %v, want carpool-postgresql-app", p, s["secretName"])
					}
					items := list(s["items"])
					if len(items) != 1 || str(mapOf(items[0])["key"]) != "uri" || str(mapOf(items[0])["path"]) != "database-url" {
						t.Errorf("%s: database credentials items %v, want key uri as database-url", p, items)
					}
				}
			}
		}
	}
	if checked == 0 {
		t.Error("no carpool container reads CARPOOL_DATABASE_URL_FILE")
	}
	// The default stays the StatefulSet.
	if _, ok := indexOf(all["helm-default"])["Cluster/carpool-postgresql"]; ok {
		t.Error("the default values render a CloudNativePG Cluster")
	}
}

package deploy_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestKustomizeAndHelmAgree: the overlays and the chart (with the matching values file)
// render the same objects with the same specs, security settings included. Only these
// differ: object labels and annotations (Helm's chart labels and hooks, Argo CD's hook
// annotations), pod template annotations (Helm's config checksum), the Namespace (Helm
// releases into an existing one), `helm test` hooks, Secret values (Helm makes a random
// password), and how a container gets its environment: it is compared resolved.
func TestKustomizeAndHelmAgree(t *testing.T) {
	all := render(t)
	for _, pair := range agreeing {
		t.Run(pair[0]+"=="+pair[1], func(t *testing.T) {
			left, right := comparable(all[pair[0]]), comparable(all[pair[1]])
			for _, id := range sortedKeys(anyMap(left)) {
				r, ok := right[id]
				if !ok {
					t.Errorf("%s renders %s, %s does not", pair[0], id, pair[1])
					continue
				}
				if diffs := differences(left[id], r, ""); len(diffs) > 0 {
					t.Errorf("%s differs between %s and %s:\n  %s", id, pair[0], pair[1], strings.Join(diffs, "\n  "))
				}
			}
			for _, id := range sortedKeys(anyMap(right)) {
				if _, ok := left[id]; !ok {
					t.Errorf("%s renders %s, %s does not", pair[1], id, pair[0])
				}
			}
		})
	}
}

func anyMap(m map[string]any) map[string]any { return m }

// comparable turns a rendering into id -> the parts of the object that must agree.
func comparable(objs []object) map[string]any {
	ix := indexOf(objs)
	out := map[string]any{}
	for _, o := range objs {
		if o.kind() == "Namespace" || o.isHelmTest() {
			continue
		}
		c := deepCopy(map[string]any(o)).(map[string]any)
		meta := mapOf(c["metadata"])
		c["metadata"] = map[string]any{"name": meta["name"], "namespace": meta["namespace"]}
		if o.kind() == "Secret" {
			keys := sortedKeys(mapOf(c["data"]))
			c["data"] = keys
		}
		for _, tmpl := range templatesOf(c) {
			delete(mapOf(tmpl["metadata"]), "annotations")
			spec := mapOf(tmpl["spec"])
			for _, field := range []string{"initContainers", "containers"} {
				for _, ctr := range list(spec[field]) {
					ctr := mapOf(ctr)
					ctr["env"] = effectiveEnv(ctr, ix)
					delete(ctr, "envFrom")
				}
			}
		}
		out[o.id()] = normalize(c)
	}
	return out
}

// templatesOf returns the pod templates inside a (copied) workload.
func templatesOf(o map[string]any) []map[string]any {
	switch str(o["kind"]) {
	case "Deployment", "StatefulSet", "DaemonSet", "Job":
		return []map[string]any{mapOf(get(o, "spec", "template"))}
	case "CronJob":
		return []map[string]any{mapOf(get(o, "spec", "jobTemplate", "spec", "template"))}
	}
	return nil
}

// normalize sorts lists whose items all have a name (containers, volumes, env, ports...)
// so that order in the source does not matter.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalize(e)
		}
		return x
	case []any:
		named := len(x) > 0
		for i, e := range x {
			x[i] = normalize(e)
			if m := mapOf(x[i]); m == nil || m["name"] == nil {
				named = false
			}
		}
		if named {
			sort.SliceStable(x, func(i, j int) bool { return str(mapOf(x[i])["name"]) < str(mapOf(x[j])["name"]) })
		}
		return x
	}
	return v
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(x))
		for k, e := range x {
			c[k] = deepCopy(e)
		}
		return c
	case object:
		return deepCopy(map[string]any(x))
	case []any:
		c := make([]any, len(x))
		for i, e := range x {
			c[i] = deepCopy(e)
		}
		return c
	}
	return v
}

// differences lists where a and b differ, as "path: a-value != b-value".
func differences(a, b any, path string) []string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			break
		}
		var out []string
		keys := sortedKeys(x)
		for _, k := range sortedKeys(y) {
			if _, ok := x[k]; !ok {
				keys = append(keys, k)
			}
		}
		for _, k := range keys {
			out = append(out, differences(x[k], y[k], path+"."+k)...)
		}
		return out
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			break
		}
		var out []string
		for i := range x {
			out = append(out, differences(x[i], y[i], fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	}
	if reflect.DeepEqual(a, b) {
		return nil
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return []string{fmt.Sprintf("%s: %s != %s", path, ja, jb)}
}

// TestDashboardCopiesAreEqual: the Grafana dashboard lives in the chart and in the
// monitoring component (neither tool reads files outside its directory); they must match.
func TestDashboardCopiesAreEqual(t *testing.T) {
	root := repoRoot()
	chart, err := os.ReadFile(filepath.Join(root, "deploy/helm/carpool/files/grafana-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	component, err := os.ReadFile(filepath.Join(root, "deploy/kustomize/components/monitoring/grafana-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(chart, component) {
		t.Errorf("deploy/helm/carpool/files/grafana-dashboard.json and deploy/kustomize/components/monitoring/grafana-dashboard.json differ: copy one over the other")
	}
	var d map[string]any
	if err := json.Unmarshal(chart, &d); err != nil {
		t.Errorf("dashboard is not JSON: %v", err)
	}
}

// carpoolMetrics are the metric names the binary exports, which dashboards and alerts rely on.
var carpoolMetrics = map[string]bool{
	"carpool_http_requests_total":                   true,
	"carpool_http_request_duration_seconds_bucket":  true,
	"carpool_http_request_duration_seconds_sum":     true,
	"carpool_http_request_duration_seconds_count":   true,
	"carpool_outbox_backlog":                        true,
	"carpool_notify_dead_deliveries":                true,
	"carpool_signin_refusals_total":                 true,
	"carpool_backup_last_success_timestamp_seconds": true,
	"carpool_build_info":                            true,
}

// TestAlertsAndDashboardUseExportedMetrics: every carpool_* series the alerts and the
// dashboard query is one carpool exports, and the alerts the runbook describes exist.
func TestAlertsAndDashboardUseExportedMetrics(t *testing.T) {
	all := render(t)
	metric := regexp.MustCompile(`\bcarpool_[a-z0-9_]+`)
	check := func(where, text string) {
		for _, m := range metric.FindAllString(text, -1) {
			if !carpoolMetrics[m] {
				t.Errorf("%s: queries %s, which carpool does not export", where, m)
			}
		}
	}
	for _, v := range []string{"kustomize-prod", "helm-prod"} {
		ix := indexOf(all[v])
		rule, ok := ix["PrometheusRule/carpool"]
		if !ok {
			t.Fatalf("%s: no PrometheusRule", v)
		}
		alerts := map[string]bool{}
		for _, g := range list(get(rule, "spec", "groups")) {
			for _, r := range list(mapOf(g)["rules"]) {
				alerts[str(mapOf(r)["alert"])] = true
				check(v+" alert "+str(mapOf(r)["alert"]), str(mapOf(r)["expr"]))
			}
		}
		for _, a := range []string{"CarpoolHighErrorRatio", "CarpoolHighLatencyP99", "CarpoolReplicasNotReady", "CarpoolNotReady",
			"CarpoolBackupTooOld", "CarpoolBackupFailed", "CarpoolOutboxBacklogGrowing", "CarpoolDeliveriesDead",
			"CarpoolPasswordHashSlotsBusy"} {
			if !alerts[a] {
				t.Errorf("%s: alert %s is missing", v, a)
			}
		}
		dash := str(get(ix["ConfigMap/carpool-grafana-dashboard"], "data", "carpool.json"))
		if dash == "" {
			t.Errorf("%s: no dashboard ConfigMap", v)
		}
		check(v+" dashboard", dash)
	}
}

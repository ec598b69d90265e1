package deploy_test

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"carpool/internal/config"
)

// pendingEnvNames are variables the binary reads outside internal/config, so that
// config.EnvNames does not list them: internal/backup reads CARPOOL_S3_PATH_STYLE (with the
// AWS_* ones). Remove a name here once EnvNames returns it.
var pendingEnvNames = []string{"CARPOOL_S3_PATH_STYLE"}

var argRef = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_]*)\)`)

// isCarpool tells whether a container runs the carpool image.
func isCarpool(c map[string]any) bool {
	image := str(c["image"])
	if i := strings.IndexByte(image, '@'); i >= 0 {
		image = image[:i]
	}
	if i := strings.LastIndexByte(image, ':'); i > strings.LastIndexByte(image, '/') {
		image = image[:i]
	}
	return path.Base(image) == "carpool"
}

// effectiveEnv resolves a container's env and envFrom (ConfigMaps and Secrets of the same
// rendering) into name -> value; values from elsewhere are described, not resolved.
func effectiveEnv(c map[string]any, ix index) map[string]any {
	env := map[string]any{}
	for _, ef := range list(c["envFrom"]) {
		ef := mapOf(ef)
		prefix := str(ef["prefix"])
		if r := mapOf(ef["configMapRef"]); r != nil {
			for k, v := range mapOf(ix["ConfigMap/"+str(r["name"])]["data"]) {
				env[prefix+k] = v
			}
		}
		if r := mapOf(ef["secretRef"]); r != nil {
			for k := range mapOf(ix["Secret/"+str(r["name"])]["data"]) {
				env[prefix+k] = "secret " + str(r["name"])
			}
		}
	}
	for _, e := range list(c["env"]) {
		e := mapOf(e)
		if vf := e["valueFrom"]; vf != nil {
			if r := mapOf(get(vf, "configMapKeyRef")); r != nil {
				env[str(e["name"])] = mapOf(ix["ConfigMap/"+str(r["name"])]["data"])[str(r["key"])]
				continue
			}
			env[str(e["name"])] = vf
			continue
		}
		env[str(e["name"])] = e["value"]
	}
	return env
}

// TestEnvNamesAreReadByCarpool: every variable a carpool container gets is one the binary
// reads (config.EnvNames, OTEL_*, AWS_*) or one its arguments expand, so a misspelt name
// cannot silently fall back to a default.
func TestEnvNamesAreReadByCarpool(t *testing.T) {
	known := map[string]bool{}
	for _, n := range config.EnvNames() {
		known[n] = true
	}
	for _, n := range pendingEnvNames {
		if known[n] {
			t.Errorf("config.EnvNames now lists %s: remove it from pendingEnvNames", n)
		}
		known[n] = true
	}
	forEachVariant(t, func(t *testing.T, objs []object, ix index) {
		for _, p := range podTemplates(objs) {
			for _, c := range p.containers(true) {
				if !isCarpool(c) {
					continue
				}
				expanded := map[string]bool{}
				for _, a := range append(list(c["command"]), list(c["args"])...) {
					for _, m := range argRef.FindAllStringSubmatch(str(a), -1) {
						expanded[m[1]] = true
					}
				}
				env := effectiveEnv(c, ix)
				for _, name := range sortedKeys(env) {
					switch {
					case known[name], expanded[name], strings.HasPrefix(name, "OTEL_"), strings.HasPrefix(name, "AWS_"):
					default:
						t.Errorf("%s container %s: carpool does not read %s", p, c["name"], name)
					}
				}
				for ref := range expanded {
					if _, ok := env[ref]; !ok {
						t.Errorf("%s container %s: arguments expand $(%s), which is not set", p, c["name"], ref)
					}
				}
			}
		}
	})
}

// TestFileVariablesPointAtMountedKeys: every X_FILE variable names a file that a mounted
// Secret or ConfigMap volume provides.
func TestFileVariablesPointAtMountedKeys(t *testing.T) {
	forEachVariant(t, func(t *testing.T, objs []object, ix index) {
		for _, p := range podTemplates(objs) {
			for _, c := range p.containers(true) {
				for _, e := range list(c["env"]) {
					e := mapOf(e)
					name, file := str(e["name"]), str(e["value"])
					if !strings.HasSuffix(name, "_FILE") {
						continue
					}
					if err := mountedFile(p, c, file, ix); err != nil {
						t.Errorf("%s container %s: %s=%s: %v", p, c["name"], name, file, err)
					}
				}
			}
		}
	})
}

func mountedFile(p podTemplate, c map[string]any, file string, ix index) error {
	for _, m := range list(c["volumeMounts"]) {
		m := mapOf(m)
		dir := str(m["mountPath"])
		rel, ok := strings.CutPrefix(file, dir+"/")
		if !ok {
			continue
		}
		v := p.volume(str(m["name"]))
		var kind, objName string
		var src map[string]any
		if s := mapOf(v["secret"]); s != nil {
			kind, objName, src = "Secret", str(s["secretName"]), s
		} else if cm := mapOf(v["configMap"]); cm != nil {
			kind, objName, src = "ConfigMap", str(cm["name"]), cm
		} else {
			return fmt.Errorf("volume %s is not a Secret or ConfigMap", m["name"])
		}
		if items := list(src["items"]); len(items) > 0 {
			for _, it := range items {
				if str(mapOf(it)["path"]) == rel {
					return nil
				}
			}
			return fmt.Errorf("%s %s is mounted at %s without an item for %s", kind, objName, dir, rel)
		}
		if o, ok := ix[kind+"/"+objName]; ok {
			if _, ok := mapOf(o["data"])[rel]; !ok {
				return fmt.Errorf("%s %s has no key %s", kind, objName, rel)
			}
		}
		return nil
	}
	return fmt.Errorf("no volume is mounted there")
}

// TestGracePeriodCoversShutdown: the kubelet must not kill carpool before it has served
// its shutdown delay and drained (CARPOOL_SHUTDOWN_DELAY + CARPOOL_SHUTDOWN_TIMEOUT).
func TestGracePeriodCoversShutdown(t *testing.T) {
	forEachVariant(t, func(t *testing.T, objs []object, ix index) {
		for _, p := range podTemplates(objs) {
			for _, c := range p.containers(false) {
				if !isCarpool(c) || !slices.Contains(list(c["args"]), any("serve")) {
					continue
				}
				env := effectiveEnv(c, ix)
				delay := duration(t, env["CARPOOL_SHUTDOWN_DELAY"], 5*time.Second)
				timeout := duration(t, env["CARPOOL_SHUTDOWN_TIMEOUT"], 20*time.Second)
				grace := time.Duration(num(p.spec["terminationGracePeriodSeconds"])) * time.Second
				if p.spec["terminationGracePeriodSeconds"] == nil {
					grace = 30 * time.Second
				}
				if grace <= delay+timeout {
					t.Errorf("%s: terminationGracePeriodSeconds %v, want more than %v + %v", p, grace, delay, timeout)
				}
			}
		}
	})
}

func duration(t *testing.T, v any, def time.Duration) time.Duration {
	t.Helper()
	if v == nil {
		return def
	}
	d, err := time.ParseDuration(str(v))
	if err != nil {
		t.Errorf("duration %q: %v", v, err)
		return def
	}
	return d
}

// TestDatabaseConnectionsSuffice: the bundled PostgreSQL's max_connections covers every
// server replica the HPA may start, each with its pool (CARPOOL_DB_MAX_CONNS), plus 10
// for the migration and backup Jobs and an operator.
func TestDatabaseConnectionsSuffice(t *testing.T) {
	maxConns := regexp.MustCompile(`^max_connections=(\d+)$`)
	forEachVariant(t, func(t *testing.T, objs []object, ix index) {
		pg, ok := ix["StatefulSet/carpool-postgresql"]
		if !ok {
			return // external database
		}
		limit := 100 // PostgreSQL's default
		for _, c := range (podTemplates([]object{pg}))[0].containers(false) {
			for _, a := range list(c["args"]) {
				if m := maxConns.FindStringSubmatch(str(a)); m != nil {
					fmt.Sscan(m[1], &limit)
				}
			}
		}
		replicas := num(get(ix["Deployment/carpool"], "spec", "replicas"))
		if hpa, ok := ix["HorizontalPodAutoscaler/carpool"]; ok {
			replicas = num(get(hpa, "spec", "maxReplicas"))
		}
		pool := 10 // carpool's default
		for _, c := range podTemplates([]object{ix["Deployment/carpool"]})[0].containers(false) {
			if v, ok := effectiveEnv(c, ix)["CARPOOL_DB_MAX_CONNS"]; ok {
				fmt.Sscan(str(v), &pool)
			}
		}
		if need := replicas*pool + 10; limit < need {
			t.Errorf("max_connections %d, want at least %d (%d replicas x %d connections + 10)", limit, need, replicas, pool)
		}
	})
}

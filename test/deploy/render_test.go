// Package deploy_test checks the rendered manifests of deploy/ for what a server-side dry
// run cannot see: references between objects, the variables carpool reads, the security
// settings, and that the Kustomize overlays and the Helm chart render the same objects.
//
// It renders with scripts/deploy-render.sh (kubectl kustomize and helm template; helm is
// installed into .cache/bin when missing). Without those tools it skips locally and fails
// when CI is set. scripts/checks/70-deploy.sh adds the API server dry runs, helm lint and
// kube-score.
package deploy_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v4"
)

// Variants rendered by scripts/deploy-render.sh, by file name without .yaml.
var variants = []string{"kustomize-dev", "kustomize-prod", "helm-default", "helm-dev", "helm-prod", "helm-external-db", "helm-cloudnative-pg"}

// Pairs of renderings that must agree object by object.
var agreeing = [][2]string{{"kustomize-dev", "helm-dev"}, {"kustomize-prod", "helm-prod"}}

// External lists, per variant, the objects that the rendering references but expects
// to exist already: the prod Secrets are kept out of git and created by the operator
// (docs/operations.md) or a secret store.
var external = map[string][]string{
	"kustomize-prod":   {"Secret/carpool-db", "Secret/carpool-smtp", "Secret/carpool-backup-s3", "Secret/carpool-checkin", "Secret/carpool-registry"},
	"helm-prod":        {"Secret/carpool-db", "Secret/carpool-smtp", "Secret/carpool-backup-s3", "Secret/carpool-checkin", "Secret/carpool-registry"},
	"helm-external-db": {"Secret/carpool-db-url"},
	// The CloudNativePG operator generates the application user's Secret for its Cluster.
	"helm-cloudnative-pg": {"Secret/carpool-postgresql-app"},
}

// object is one rendered Kubernetes object.
type object map[string]any

func (o object) kind() string { return str(o["kind"]) }
func (o object) name() string { return str(get(o, "metadata", "name")) }
func (o object) id() string   { return o.kind() + "/" + o.name() }

func (o object) annotations() map[string]any { return mapOf(get(o, "metadata", "annotations")) }

// isHelmTest tells whether o is a `helm test` hook, which only the chart renders.
func (o object) isHelmTest() bool {
	return strings.Contains(str(o.annotations()["helm.sh/hook"]), "test")
}

var (
	renderOnce sync.Once
	rendered   map[string][]object
	renderErr  error
)

// render returns the objects of every variant, rendering them once per test binary.
func render(t *testing.T) map[string][]object {
	t.Helper()
	renderOnce.Do(func() { rendered, renderErr = renderAll() })
	if renderErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("render deploy/: %v", renderErr)
		}
		t.Skipf("SKIP: cannot render deploy/ (kubectl and helm needed; CI fails here): %v", renderErr)
	}
	return rendered
}

// repoRoot is the repository root: go test runs a package's tests in its directory.
func repoRoot() string {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		panic(err)
	}
	return root
}

func renderAll() (map[string][]object, error) {
	dir, err := os.MkdirTemp("", "carpool-deploy-render-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	cmd := exec.Command(filepath.Join(repoRoot(), "scripts", "deploy-render.sh"), dir)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("scripts/deploy-render.sh: %v\n%s", err, out.String())
	}
	all := map[string][]object{}
	for _, v := range variants {
		objs, err := readObjects(filepath.Join(dir, v+".yaml"))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", v, err)
		}
		if len(objs) == 0 {
			return nil, fmt.Errorf("%s: no objects rendered", v)
		}
		all[v] = objs
	}
	return all, nil
}

func readObjects(path string) ([]object, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var objs []object
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var o object
		if err := dec.Decode(&o); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
		if len(o) == 0 {
			continue
		}
		objs = append(objs, o)
	}
	return objs, nil
}

// index finds objects by kind and name.
type index map[string]object

func indexOf(objs []object) index {
	ix := index{}
	for _, o := range objs {
		ix[o.id()] = o
	}
	return ix
}

// podTemplate is a pod (template) of a workload.
type podTemplate struct {
	owner  object
	labels map[string]any
	spec   map[string]any
}

func (p podTemplate) String() string { return p.owner.id() }

func (p podTemplate) containers(withInit bool) []map[string]any {
	var cs []map[string]any
	if withInit {
		for _, c := range list(p.spec["initContainers"]) {
			cs = append(cs, mapOf(c))
		}
	}
	for _, c := range list(p.spec["containers"]) {
		cs = append(cs, mapOf(c))
	}
	return cs
}

func (p podTemplate) volume(name string) map[string]any {
	for _, v := range list(p.spec["volumes"]) {
		if str(mapOf(v)["name"]) == name {
			return mapOf(v)
		}
	}
	return nil
}

// hasPort tells whether a container of the pod declares the named or numbered port.
func (p podTemplate) hasPort(port any) bool {
	for _, c := range p.containers(false) {
		for _, cp := range list(c["ports"]) {
			cp := mapOf(cp)
			if s, ok := port.(string); ok && str(cp["name"]) == s {
				return true
			}
			if n, ok := port.(int); ok && num(cp["containerPort"]) == n {
				return true
			}
		}
	}
	return false
}

func podTemplates(objs []object) []podTemplate {
	var pts []podTemplate
	for _, o := range objs {
		var tmpl any
		switch o.kind() {
		case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job":
			tmpl = get(o, "spec", "template")
		case "CronJob":
			tmpl = get(o, "spec", "jobTemplate", "spec", "template")
		case "Pod":
			tmpl = map[string]any(o)
		default:
			continue
		}
		pts = append(pts, podTemplate{
			owner:  o,
			labels: mapOf(get(tmpl, "metadata", "labels")),
			spec:   mapOf(get(tmpl, "spec")),
		})
	}
	return pts
}

// selects reports whether a label selector (matchLabels/matchExpressions form, or a plain
// map as in a Service) selects the labels. An empty selector selects everything.
func selects(selector map[string]any, labels map[string]any, plain bool) bool {
	if plain {
		for k, v := range selector {
			if str(labels[k]) != str(v) {
				return false
			}
		}
		return true
	}
	for k, v := range mapOf(selector["matchLabels"]) {
		if str(labels[k]) != str(v) {
			return false
		}
	}
	for _, e := range list(selector["matchExpressions"]) {
		e := mapOf(e)
		val, has := labels[str(e["key"])]
		in := false
		for _, v := range list(e["values"]) {
			if has && str(v) == str(val) {
				in = true
			}
		}
		switch str(e["operator"]) {
		case "In":
			if !in {
				return false
			}
		case "NotIn":
			if in {
				return false
			}
		case "Exists":
			if !has {
				return false
			}
		case "DoesNotExist":
			if has {
				return false
			}
		}
	}
	return true
}

func get(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			if o, ok2 := v.(object); ok2 {
				m = o
			} else {
				return nil
			}
		}
		v = m[p]
	}
	return v
}

func mapOf(v any) map[string]any {
	switch m := v.(type) {
	case map[string]any:
		return m
	case object:
		return m
	}
	return nil
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func str(v any) string {
	switch s := v.(type) {
	case nil:
		return ""
	case string:
		return s
	}
	return fmt.Sprint(v)
}

func num(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(n)
	case uint64:
		return int(n)
	case float64:
		return int(n)
	}
	return -1
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func TestEveryVariantRenders(t *testing.T) {
	all := render(t)
	want := []string{"ServiceAccount/carpool", "ConfigMap/carpool", "Deployment/carpool", "Service/carpool",
		"Service/carpool-metrics", "Ingress/carpool", "Job/carpool-migrate"}
	bundled := []string{"StatefulSet/carpool-postgresql", "Service/carpool-postgresql", "Service/carpool-postgresql-hl"}
	prodOnly := []string{"HorizontalPodAutoscaler/carpool", "PodDisruptionBudget/carpool",
		"NetworkPolicy/carpool-default-deny", "NetworkPolicy/carpool-server", "NetworkPolicy/carpool-postgresql",
		"ServiceMonitor/carpool", "PrometheusRule/carpool", "Certificate/carpool-tls",
		"ConfigMap/carpool-grafana-dashboard", "CronJob/carpool-backup"}
	for _, v := range variants {
		t.Run(v, func(t *testing.T) {
			ix := indexOf(all[v])
			w := append([]string{}, want...)
			if strings.HasSuffix(v, "-prod") {
				w = append(w, prodOnly...)
			}
			if v == "helm-external-db" {
				for _, id := range bundled {
					if _, ok := ix[id]; ok {
						t.Errorf("%s is rendered with an external database", id)
					}
				}
				hook := str(ix["Job/carpool-migrate"].annotations()["helm.sh/hook"])
				if !strings.Contains(hook, "pre-install") {
					t.Errorf("migration hook %q, want pre-install with an external database", hook)
				}
			} else if v == "helm-cloudnative-pg" {
				w = append(w, "Cluster/carpool-postgresql") // TestCloudNativePGMode checks the rest
			} else {
				w = append(w, bundled...)
			}
			for _, id := range w {
				if _, ok := ix[id]; !ok {
					t.Errorf("%s is not rendered", id)
				}
			}
			for _, o := range all[v] {
				if ns := str(get(o, "metadata", "namespace")); o.kind() != "Namespace" && ns != "carpool" {
					t.Errorf("%s: namespace %q, want carpool", o.id(), ns)
				}
			}
		})
	}
}

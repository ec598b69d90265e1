package deploy_test

import (
	"fmt"
	"regexp"
	"testing"
)

// TestPodsAreRestricted checks every pod against what Pod Security "restricted" demands
// and more: numeric non-root user, read-only root filesystem, no ServiceAccount token,
// resources requested with a memory limit, images pinned.
func TestPodsAreRestricted(t *testing.T) {
	pinned := regexp.MustCompile(`(@sha256:[0-9a-f]{64}|:[^:/]+)$`)
	forEachVariant(t, func(t *testing.T, objs []object, _ index) {
		for _, p := range podTemplates(objs) {
			psc := mapOf(p.spec["securityContext"])
			if p.spec["automountServiceAccountToken"] != false {
				t.Errorf("%s: automountServiceAccountToken is not false", p)
			}
			if p.spec["enableServiceLinks"] != false {
				t.Errorf("%s: enableServiceLinks is not false (a Service named carpool would inject CARPOOL_* variables)", p)
			}
			if str(get(psc, "seccompProfile", "type")) != "RuntimeDefault" {
				t.Errorf("%s: pod seccompProfile is not RuntimeDefault", p)
			}
			for _, c := range p.containers(true) {
				where := fmt.Sprintf("%s container %s", p, c["name"])
				sc := mapOf(c["securityContext"])
				pick := func(k string) any {
					if v, ok := sc[k]; ok {
						return v
					}
					return psc[k]
				}
				if pick("runAsNonRoot") != true {
					t.Errorf("%s: runAsNonRoot is not true", where)
				}
				if num(pick("runAsUser")) <= 0 || num(pick("runAsGroup")) <= 0 {
					t.Errorf("%s: runAsUser/runAsGroup %v/%v, want numeric non-root", where, pick("runAsUser"), pick("runAsGroup"))
				}
				if sc["allowPrivilegeEscalation"] != false {
					t.Errorf("%s: allowPrivilegeEscalation is not false", where)
				}
				if sc["readOnlyRootFilesystem"] != true {
					t.Errorf("%s: readOnlyRootFilesystem is not true", where)
				}
				if drop := list(get(sc, "capabilities", "drop")); len(drop) != 1 || str(drop[0]) != "ALL" {
					t.Errorf("%s: capabilities.drop is %v, want [ALL]", where, drop)
				}
				if add := list(get(sc, "capabilities", "add")); len(add) > 0 {
					t.Errorf("%s: adds capabilities %v", where, add)
				}
				req, lim := mapOf(get(c, "resources", "requests")), mapOf(get(c, "resources", "limits"))
				if req["cpu"] == nil || req["memory"] == nil || lim["memory"] == nil {
					t.Errorf("%s: resources %v, want cpu and memory requests and a memory limit", where, c["resources"])
				}
				if !pinned.MatchString(str(c["image"])) || regexp.MustCompile(`:latest$`).MatchString(str(c["image"])) {
					t.Errorf("%s: image %s is not pinned to a tag or digest", where, c["image"])
				}
			}
			switch p.owner.kind() {
			case "Deployment", "StatefulSet":
				for _, c := range p.containers(false) {
					if c["livenessProbe"] == nil || c["readinessProbe"] == nil {
						t.Errorf("%s container %s: needs liveness and readiness probes", p, c["name"])
					}
				}
			}
		}
		for _, o := range objs {
			if o.kind() == "ServiceAccount" && o["automountServiceAccountToken"] != false {
				t.Errorf("%s: automountServiceAccountToken is not false", o.id())
			}
		}
	})
}

// TestNamespaceEnforcesRestricted: the Namespace the overlays render enforces and warns
// Pod Security "restricted".
func TestNamespaceEnforcesRestricted(t *testing.T) {
	all := render(t)
	for _, v := range []string{"kustomize-dev", "kustomize-prod"} {
		ns, ok := indexOf(all[v])["Namespace/carpool"]
		if !ok {
			t.Errorf("%s: Namespace carpool is not rendered", v)
			continue
		}
		labels := mapOf(get(ns, "metadata", "labels"))
		for _, mode := range []string{"enforce", "warn"} {
			if got := str(labels["pod-security.kubernetes.io/"+mode]); got != "restricted" {
				t.Errorf("%s: label pod-security.kubernetes.io/%s = %q, want restricted", v, mode, got)
			}
		}
	}
}

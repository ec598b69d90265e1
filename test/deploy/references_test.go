package deploy_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestServicesSelectPodsWithTheirPorts: every Service selects the pods of a workload, and
// every targetPort is a port those pods declare.
func TestServicesSelectPodsWithTheirPorts(t *testing.T) {
	forEachVariant(t, func(t *testing.T, objs []object, _ index) {
		pts := podTemplates(objs)
		for _, svc := range objs {
			if svc.kind() != "Service" {
				continue
			}
			sel := mapOf(get(svc, "spec", "selector"))
			if len(sel) == 0 {
				t.Errorf("%s: no selector", svc.id())
				continue
			}
			var matched []podTemplate
			for _, p := range pts {
				if !p.owner.isHelmTest() && selects(sel, p.labels, true) {
					matched = append(matched, p)
				}
			}
			if len(matched) == 0 {
				t.Errorf("%s: selector %v matches no pod template", svc.id(), sel)
			}
			for _, port := range list(get(svc, "spec", "ports")) {
				target := mapOf(port)["targetPort"]
				if target == nil {
					target = mapOf(port)["port"]
				}
				for _, p := range matched {
					if !p.hasPort(target) {
						t.Errorf("%s: targetPort %v is not a port of %s", svc.id(), target, p)
					}
				}
			}
		}
	})
}

// TestProbePortsExist: httpGet and tcpSocket probes name ports their container declares.
func TestProbePortsExist(t *testing.T) {
	forEachVariant(t, func(t *testing.T, objs []object, _ index) {
		for _, p := range podTemplates(objs) {
			for _, c := range p.containers(true) {
				for _, probe := range []string{"startupProbe", "livenessProbe", "readinessProbe"} {
					for _, handler := range []string{"httpGet", "tcpSocket"} {
						port := get(c, probe, handler, "port")
						if port == nil {
							continue
						}
						one := podTemplate{owner: p.owner, spec: map[string]any{"containers": []any{c}}}
						if !one.hasPort(port) {
							t.Errorf("%s container %s: %s port %v is not declared", p, c["name"], probe, port)
						}
					}
				}
			}
		}
	})
}

// TestReferencedObjectsExist: ConfigMaps, Secrets (and their keys), PVCs, ServiceAccounts,
// volumes, image pull secrets, Services behind the Ingress, HPA and PDB targets.
func TestReferencedObjectsExist(t *testing.T) {
	forEachVariant(t, func(t *testing.T, objs []object, ix index) {
		variant := t.Name()[strings.LastIndex(t.Name(), "/")+1:]
		provided := map[string]bool{}
		for _, id := range external[variant] {
			provided[id] = true
		}
		for _, o := range objs {
			if o.kind() == "Certificate" {
				provided["Secret/"+str(get(o, "spec", "secretName"))] = true
			}
		}
		exists := func(id string) bool { _, ok := ix[id]; return ok || provided[id] }
		needKey := func(where, kind, name, key string) {
			id := kind + "/" + name
			if !exists(id) {
				t.Errorf("%s: references %s, which is neither rendered nor provided", where, id)
				return
			}
			o, ok := ix[id]
			if !ok || key == "" {
				return
			}
			data := mapOf(o["data"])
			if data == nil {
				data = mapOf(o["stringData"])
			}
			if _, ok := data[key]; !ok {
				t.Errorf("%s: %s has no key %q", where, id, key)
			}
		}

		for _, p := range podTemplates(objs) {
			where := p.String()
			if sa := str(p.spec["serviceAccountName"]); sa != "" && sa != "default" {
				if !exists("ServiceAccount/" + sa) {
					t.Errorf("%s: ServiceAccount %s is not rendered", where, sa)
				}
			}
			for _, s := range list(p.spec["imagePullSecrets"]) {
				needKey(where, "Secret", str(mapOf(s)["name"]), "")
			}
			claims := map[string]bool{}
			for _, vct := range list(get(p.owner, "spec", "volumeClaimTemplates")) {
				claims[str(get(vct, "metadata", "name"))] = true
			}
			for _, v := range list(p.spec["volumes"]) {
				v := mapOf(v)
				if cm := mapOf(v["configMap"]); cm != nil {
					for _, it := range list(cm["items"]) {
						needKey(where, "ConfigMap", str(cm["name"]), str(mapOf(it)["key"]))
					}
					needKey(where, "ConfigMap", str(cm["name"]), "")
				}
				if s := mapOf(v["secret"]); s != nil {
					for _, it := range list(s["items"]) {
						needKey(where, "Secret", str(s["secretName"]), str(mapOf(it)["key"]))
					}
					needKey(where, "Secret", str(s["secretName"]), "")
				}
				if pvc := mapOf(v["persistentVolumeClaim"]); pvc != nil {
					needKey(where, "PersistentVolumeClaim", str(pvc["claimName"]), "")
				}
			}
			for _, c := range p.containers(true) {
				cwhere := fmt.Sprintf("%s container %s", where, c["name"])
				for _, m := range list(c["volumeMounts"]) {
					name := str(mapOf(m)["name"])
					if p.volume(name) == nil && !claims[name] {
						t.Errorf("%s: volumeMount %s has no volume", cwhere, name)
					}
				}
				for _, ef := range list(c["envFrom"]) {
					if r := mapOf(mapOf(ef)["configMapRef"]); r != nil {
						needKey(cwhere, "ConfigMap", str(r["name"]), "")
					}
					if r := mapOf(mapOf(ef)["secretRef"]); r != nil {
						needKey(cwhere, "Secret", str(r["name"]), "")
					}
				}
				for _, e := range list(c["env"]) {
					if r := mapOf(get(e, "valueFrom", "configMapKeyRef")); r != nil {
						needKey(cwhere, "ConfigMap", str(r["name"]), str(r["key"]))
					}
					if r := mapOf(get(e, "valueFrom", "secretKeyRef")); r != nil {
						needKey(cwhere, "Secret", str(r["name"]), str(r["key"]))
					}
				}
			}
		}

		for _, o := range objs {
			switch o.kind() {
			case "StatefulSet":
				if svc := str(get(o, "spec", "serviceName")); !exists("Service/" + svc) {
					t.Errorf("%s: governing Service %s is not rendered", o.id(), svc)
				} else if ix["Service/"+svc] != nil && str(get(ix["Service/"+svc], "spec", "clusterIP")) != "None" {
					t.Errorf("%s: governing Service %s is not headless", o.id(), svc)
				}
			case "Ingress":
				for _, tls := range list(get(o, "spec", "tls")) {
					needKey(o.id(), "Secret", str(mapOf(tls)["secretName"]), "")
				}
				for _, r := range list(get(o, "spec", "rules")) {
					for _, path := range list(get(r, "http", "paths")) {
						svc := get(path, "backend", "service")
						name := str(get(svc, "name"))
						s, ok := ix["Service/"+name]
						if !ok {
							t.Errorf("%s: backend Service %s is not rendered", o.id(), name)
							continue
						}
						if !serviceHasPort(s, get(svc, "port")) {
							t.Errorf("%s: backend Service %s has no port %v", o.id(), name, get(svc, "port"))
						}
					}
				}
			case "HorizontalPodAutoscaler":
				ref := mapOf(get(o, "spec", "scaleTargetRef"))
				if !exists(str(ref["kind"]) + "/" + str(ref["name"])) {
					t.Errorf("%s: scale target %s/%s is not rendered", o.id(), ref["kind"], ref["name"])
				}
			case "PodDisruptionBudget":
				if n := countSelected(objs, mapOf(get(o, "spec", "selector"))); n == 0 {
					t.Errorf("%s: selector matches no workload", o.id())
				}
			case "ServiceMonitor":
				sel := mapOf(get(o, "spec", "selector"))
				for _, ep := range list(get(o, "spec", "endpoints")) {
					port := str(mapOf(ep)["port"])
					found := false
					for _, s := range objs {
						if s.kind() == "Service" && selects(sel, mapOf(get(s, "metadata", "labels")), false) && serviceHasPort(s, map[string]any{"name": port}) {
							found = true
						}
					}
					if !found {
						t.Errorf("%s: no Service with its labels has a port named %s", o.id(), port)
					}
				}
			}
		}
	})
}

// TestNetworkPoliciesSelectPods: each policy selects pods, named ports exist on them, and
// numbered egress ports to pods in the namespace exist on those pods.
func TestNetworkPoliciesSelectPods(t *testing.T) {
	forEachVariant(t, func(t *testing.T, objs []object, _ index) {
		pts := append(podTemplates(objs), operatorPods(objs)...)
		for _, np := range objs {
			if np.kind() != "NetworkPolicy" {
				continue
			}
			sel := mapOf(get(np, "spec", "podSelector"))
			var selected []podTemplate
			for _, p := range pts {
				if selects(sel, p.labels, false) {
					selected = append(selected, p)
				}
			}
			if len(selected) == 0 {
				t.Errorf("%s: podSelector matches no pod template", np.id())
			}
			for _, rule := range list(get(np, "spec", "ingress")) {
				for _, port := range list(mapOf(rule)["ports"]) {
					name, ok := mapOf(port)["port"].(string)
					if !ok {
						continue
					}
					for _, p := range selected {
						if !p.hasPort(name) {
							t.Errorf("%s: ingress port %s is not a port of %s", np.id(), name, p)
						}
					}
				}
			}
			for _, rule := range list(get(np, "spec", "egress")) {
				for _, peer := range list(mapOf(rule)["to"]) {
					ps := mapOf(mapOf(peer)["podSelector"])
					if ps == nil || mapOf(peer)["namespaceSelector"] != nil {
						continue
					}
					var peers []podTemplate
					for _, p := range pts {
						if selects(ps, p.labels, false) {
							peers = append(peers, p)
						}
					}
					if len(peers) == 0 {
						t.Errorf("%s: egress podSelector %v matches no pod template", np.id(), ps)
					}
					for _, port := range list(mapOf(rule)["ports"]) {
						for _, p := range peers {
							if !p.hasPort(mapOf(port)["port"]) {
								t.Errorf("%s: egress port %v is not a port of %s", np.id(), mapOf(port)["port"], p)
							}
						}
					}
				}
			}
		}
	})
}

func serviceHasPort(svc object, port any) bool {
	want := mapOf(port)
	for _, p := range list(get(svc, "spec", "ports")) {
		p := mapOf(p)
		if n, ok := want["name"]; ok && str(p["name"]) == str(n) {
			return true
		}
		if n, ok := want["number"]; ok && num(p["port"]) == num(n) {
			return true
		}
	}
	return false
}

func countSelected(objs []object, selector map[string]any) int {
	n := 0
	for _, p := range podTemplates(objs) {
		if !p.owner.isHelmTest() && selects(selector, p.labels, false) {
			n++
		}
	}
	return n
}

func forEachVariant(t *testing.T, f func(t *testing.T, objs []object, ix index)) {
	t.Helper()
	all := render(t)
	for _, v := range variants {
		t.Run(v, func(t *testing.T) { f(t, all[v], indexOf(all[v])) })
	}
}

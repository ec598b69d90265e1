// Command kyvernovap turns the CEL rules of the Kyverno ClusterPolicies in a directory into
// Kubernetes ValidatingAdmissionPolicies and bindings, so that a bare kube-apiserver (no
// Kyverno) enforces the same rules in scripts/checks/70-deploy.sh.
//
//	go run ./test/deploy/kyvernovap deploy/policies > policies.yaml
//
// It understands what deploy/policies uses: match.any[].resources.kinds,
// exclude.any[].resources.namespaces, validate.failureAction (Enforce), and
// validate.cel.variables and validate.cel.expressions,
// and rejects anything else rather than silently checking less.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v4"
)

// resources maps the pod controller kinds to their API group, version and resource.
var resources = map[string][3]string{
	"Pod":         {"", "v1", "pods"},
	"Deployment":  {"apps", "v1", "deployments"},
	"StatefulSet": {"apps", "v1", "statefulsets"},
	"DaemonSet":   {"apps", "v1", "daemonsets"},
	"ReplicaSet":  {"apps", "v1", "replicasets"},
	"Job":         {"batch", "v1", "jobs"},
	"CronJob":     {"batch", "v1", "cronjobs"},
}

type policy struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		Rules []rule `yaml:"rules"`
	} `yaml:"spec"`
}

type rule struct {
	Name     string    `yaml:"name"`
	Match    selection `yaml:"match"`
	Exclude  selection `yaml:"exclude"`
	Validate struct {
		FailureAction string `yaml:"failureAction"`
		CEL           *struct {
			Variables   []map[string]string `yaml:"variables"`
			Expressions []map[string]string `yaml:"expressions"`
		} `yaml:"cel"`
	} `yaml:"validate"`
}

type selection struct {
	Any []struct {
		Resources struct {
			Kinds      []string `yaml:"kinds"`
			Namespaces []string `yaml:"namespaces"`
		} `yaml:"resources"`
	} `yaml:"any"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: kyvernovap DIR")
		os.Exit(2)
	}
	out, err := convertDir(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "kyvernovap:", err)
		os.Exit(1)
	}
	os.Stdout.Write(out)
}

func convertDir(dir string) ([]byte, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var buf bytes.Buffer
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var p policy
			if err := dec.Decode(&p); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			if p.Kind != "ClusterPolicy" {
				continue
			}
			for _, r := range p.Spec.Rules {
				docs, err := convertRule(p.Metadata.Name, r)
				if err != nil {
					return nil, fmt.Errorf("%s: policy %s rule %s: %w", f, p.Metadata.Name, r.Name, err)
				}
				for _, d := range docs {
					b, err := yaml.Marshal(d)
					if err != nil {
						return nil, err
					}
					buf.WriteString("---\n")
					buf.Write(b)
				}
				n++
			}
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("no ClusterPolicy rules in %s", dir)
	}
	return buf.Bytes(), nil
}

func convertRule(policyName string, r rule) ([]map[string]any, error) {
	if r.Validate.CEL == nil || len(r.Validate.CEL.Expressions) == 0 {
		return nil, errors.New("only validate.cel rules are supported")
	}
	if r.Validate.FailureAction != "Enforce" {
		return nil, fmt.Errorf("validate.failureAction %q: only Enforce is supported", r.Validate.FailureAction)
	}
	type gvr struct{ group, version string }
	byGV := map[gvr][]string{}
	for _, a := range r.Match.Any {
		if len(a.Resources.Namespaces) > 0 {
			return nil, errors.New("match by namespace is not supported")
		}
		for _, k := range a.Resources.Kinds {
			res, ok := resources[k]
			if !ok {
				return nil, fmt.Errorf("unknown kind %q", k)
			}
			key := gvr{res[0], res[1]}
			byGV[key] = append(byGV[key], res[2])
		}
	}
	if len(byGV) == 0 {
		return nil, errors.New("rule matches no kinds")
	}
	var excluded []string
	for _, a := range r.Exclude.Any {
		if len(a.Resources.Kinds) > 0 {
			return nil, errors.New("exclude by kind is not supported")
		}
		excluded = append(excluded, a.Resources.Namespaces...)
	}

	var keys []gvr
	for k := range byGV {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].group < keys[j].group })
	var rules []any
	for _, k := range keys {
		rules = append(rules, map[string]any{
			"apiGroups":   []string{k.group},
			"apiVersions": []string{k.version},
			"operations":  []string{"CREATE", "UPDATE"},
			"resources":   byGV[k],
		})
	}
	var variables, validations []any
	for _, v := range r.Validate.CEL.Variables {
		variables = append(variables, map[string]any{"name": v["name"], "expression": strings.TrimSpace(v["expression"])})
	}
	for _, e := range r.Validate.CEL.Expressions {
		validations = append(validations, map[string]any{"expression": strings.TrimSpace(e["expression"]), "message": e["message"]})
	}
	name := policyName + "." + r.Name
	vap := map[string]any{
		"apiVersion": "admissionregistration.k8s.io/v1",
		"kind":       "ValidatingAdmissionPolicy",
		"metadata":   map[string]any{"name": name},
		"spec": map[string]any{
			"failurePolicy":    "Fail",
			"matchConstraints": map[string]any{"resourceRules": rules},
			"variables":        variables,
			"validations":      validations,
		},
	}
	match := map[string]any{}
	if len(excluded) > 0 {
		match["namespaceSelector"] = map[string]any{
			"matchExpressions": []any{map[string]any{
				"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": excluded,
			}},
		}
	}
	binding := map[string]any{
		"apiVersion": "admissionregistration.k8s.io/v1",
		"kind":       "ValidatingAdmissionPolicyBinding",
		"metadata":   map[string]any{"name": name},
		"spec": map[string]any{
			"policyName":        name,
			"validationActions": []string{"Deny"},
			"matchResources":    match,
		},
	}
	return []map[string]any{vap, binding}, nil
}

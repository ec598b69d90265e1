// Command promql-check parses the PromQL in rendered manifests (multi-document YAML files
// named on the command line) with Prometheus' own parser: the rules of PrometheusRule
// objects and the panel queries of Grafana dashboards in ConfigMaps (data keys ending in
// .json). scripts/checks/70-deploy.sh runs it, so an alert or panel that Prometheus would
// reject fails the check. Alerts also need a valid "for" and a severity label.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"encoding/json"
	"strings"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql/parser"
	"go.yaml.in/yaml/v3"
)

type rule struct {
	Alert  string            `yaml:"alert"`
	Record string            `yaml:"record"`
	Expr   string            `yaml:"expr"`
	For    string            `yaml:"for"`
	Labels map[string]string `yaml:"labels"`
}

type doc struct {
	Kind string            `yaml:"kind"`
	Data map[string]string `yaml:"data"`
	Spec struct {
		Groups []struct {
			Name  string `yaml:"name"`
			Rules []rule `yaml:"rules"`
		} `yaml:"groups"`
	} `yaml:"spec"`
}

type dashboard struct {
	Panels []struct {
		Title   string `json:"title"`
		Targets []struct {
			Expr string `json:"expr"`
		} `json:"targets"`
	} `json:"panels"`
}

func main() {
	promql := parser.NewParser(parser.Options{})
	n, bad := 0, 0
	for _, path := range os.Args[1:] {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var d doc
			if err := dec.Decode(&d); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
				os.Exit(2)
			}
			if d.Kind == "ConfigMap" {
				for key, text := range d.Data {
					if !strings.HasSuffix(key, ".json") {
						continue
					}
					var dash dashboard
					if err := json.Unmarshal([]byte(text), &dash); err != nil {
						fmt.Fprintf(os.Stderr, "%s: %s: %v\n", path, key, err)
						bad++
						continue
					}
					for _, p := range dash.Panels {
						for _, t := range p.Targets {
							n++
							if _, err := promql.ParseExpr(t.Expr); err != nil {
								fmt.Fprintf(os.Stderr, "%s: dashboard %s panel %q: %v\n", path, key, p.Title, err)
								bad++
							}
						}
					}
				}
			}
			if d.Kind != "PrometheusRule" {
				continue
			}
			for _, g := range d.Spec.Groups {
				for _, r := range g.Rules {
					n++
					name := r.Alert + r.Record
					if _, err := promql.ParseExpr(r.Expr); err != nil {
						fmt.Fprintf(os.Stderr, "%s: group %s rule %s: %v\n", path, g.Name, name, err)
						bad++
					}
					if r.Alert == "" {
						continue
					}
					if r.For != "" {
						if _, err := model.ParseDuration(r.For); err != nil {
							fmt.Fprintf(os.Stderr, "%s: alert %s: for: %v\n", path, name, err)
							bad++
						}
					}
					if r.Labels["severity"] == "" {
						fmt.Fprintf(os.Stderr, "%s: alert %s: no severity label\n", path, name)
						bad++
					}
				}
			}
		}
	}
	if bad > 0 {
		os.Exit(1)
	}
	if n == 0 {
		fmt.Fprintln(os.Stderr, "promql-check: no rules or dashboard queries found")
		os.Exit(1)
	}
	fmt.Printf("promql-check: %d rules and dashboard queries parse\n", n)
}

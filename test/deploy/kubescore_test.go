package deploy_test

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestKubeScoreIgnoresAreDocumented: every check that an object tells kube-score to skip
// (annotation kube-score/ignore) is listed with its reason in
// deploy/validation/kube-score-ignores.txt, and every listed check is still used.
func TestKubeScoreIgnoresAreDocumented(t *testing.T) {
	documented := readIgnores(t)
	used := map[string]bool{}
	all := render(t)
	for _, v := range variants {
		for _, o := range all[v] {
			for _, check := range strings.Split(str(o.annotations()["kube-score/ignore"]), ",") {
				check = strings.TrimSpace(check)
				if check == "" {
					continue
				}
				used[check] = true
				if _, ok := documented[check]; !ok {
					t.Errorf("%s %s ignores kube-score check %s, which deploy/validation/kube-score-ignores.txt does not explain", v, o.id(), check)
				}
			}
		}
	}
	for check, scope := range documented {
		if scope == "object" && !used[check] {
			t.Errorf("deploy/validation/kube-score-ignores.txt explains %s, which no object ignores any more", check)
		}
	}
}

// readIgnores returns check -> scope from the ignore file, whose lines are
// "<check> <scope> <reason>" with scope all, flag, object or a list of renderings.
func readIgnores(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot(), "deploy/validation/kube-score-ignores.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 3 || !validScope(fields[1]) {
			t.Errorf("kube-score-ignores.txt: %q: want <check> all|flag|object|<renderings> <reason>", line)
			continue
		}
		out[fields[0]] = fields[1]
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func validScope(scope string) bool {
	switch scope {
	case "all", "flag", "object":
		return true
	}
	for _, v := range strings.Split(scope, ",") {
		if !slices.Contains(variants, v) {
			return false
		}
	}
	return true
}

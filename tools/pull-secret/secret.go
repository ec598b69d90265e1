package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// credentials is one entry of a Docker config's "auths" map. The field order and the
// encoding/json escaping are kubectl's, so the manifest matches its output byte for byte.
type credentials struct {
	Server   string `json:"-"`
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
	Email    string `json:"email,omitempty"`
	Auth     string `json:"auth,omitempty"`
}

type secret struct {
	Name        string
	Namespace   string
	Credentials credentials
}

// dnsSubdomain and dnsLabel are Kubernetes' rules for object and namespace names. Holding
// to them also means both can be written into YAML without quoting.
var (
	dnsSubdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	dnsLabel     = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
)

func (s secret) validate() error {
	if len(s.Name) > 253 || !dnsSubdomain.MatchString(s.Name) {
		return fmt.Errorf("secret name %q: want a lower-case DNS subdomain", s.Name)
	}
	if s.Namespace != "" && (len(s.Namespace) > 63 || !dnsLabel.MatchString(s.Namespace)) {
		return fmt.Errorf("namespace %q: want a lower-case DNS label", s.Namespace)
	}
	c := s.Credentials
	switch {
	case c.Server == "":
		return fmt.Errorf("--docker-server is required")
	case c.Username == "":
		return fmt.Errorf("--docker-username is required")
	case c.Password == "":
		return fmt.Errorf("a password is required (--docker-password or --docker-password-stdin)")
	case strings.Contains(c.Username, ":"):
		// The "auth" field is base64("user:password"): a colon in the user cannot round-trip.
		return fmt.Errorf("user %q: must not contain ':'", c.Username)
	}
	return nil
}

// dockerConfigJSON is the value of the Secret's .dockerconfigjson key.
func (s secret) dockerConfigJSON() ([]byte, error) {
	c := s.Credentials
	c.Auth = base64.StdEncoding.EncodeToString([]byte(c.Username + ":" + c.Password))
	b, err := json.Marshal(struct {
		Auths map[string]credentials `json:"auths"`
	}{Auths: map[string]credentials{c.Server: c}})
	if err != nil {
		return nil, fmt.Errorf("encode docker config: %w", err)
	}
	return b, nil
}

// manifest renders the Secret as YAML in kubectl's key order. Every value written is
// either validated above or base64, so no YAML quoting is ever needed.
func (s secret) manifest() (string, error) {
	cfg, err := s.dockerConfigJSON()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("apiVersion: v1\ndata:\n")
	fmt.Fprintf(&b, "  .dockerconfigjson: %s\n", base64.StdEncoding.EncodeToString(cfg))
	b.WriteString("kind: Secret\nmetadata:\n  creationTimestamp: null\n")
	fmt.Fprintf(&b, "  name: %s\n", s.Name)
	if s.Namespace != "" {
		fmt.Fprintf(&b, "  namespace: %s\n", s.Namespace)
	}
	b.WriteString("type: kubernetes.io/dockerconfigjson\n")
	return b.String(), nil
}

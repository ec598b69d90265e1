// Command kube-apiserver is the upstream Kubernetes API server, built from the pinned
// k8s.io/kubernetes module so that scripts/checks/70-deploy.sh can validate the manifests
// under deploy/ against a real API server (kubectl apply --dry-run=server).
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}

#!/usr/bin/env bash
# Runs a throwaway Kubernetes API server (no controllers, no nodes) for validating
# manifests: etcd from Debian's etcd-server and kube-apiserver from .cache/bin, both on
# free 127.0.0.1 ports, token authentication, state under DIR.
#   scripts/kube-apiserver.sh start DIR   starts both, waits for /readyz, writes DIR/kubeconfig
#   scripts/kube-apiserver.sh stop DIR    stops the processes it started (by their pids)
# Build kube-apiserver first: scripts/deploy-tools.sh kube-apiserver etcd
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cmd=${1:?usage: kube-apiserver.sh start|stop DIR}
dir=${2:?usage: kube-apiserver.sh start|stop DIR}

free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 20000 ))
    ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
}

stop() {
  local f pid
  for f in "$dir/kube-apiserver.pid" "$dir/etcd.pid"; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
  done
}

start() {
  local bin="$top/.cache/bin/kube-apiserver"
  [ -x "$bin" ] || { echo "kube-apiserver: $bin missing (scripts/deploy-tools.sh kube-apiserver)" >&2; exit 1; }
  command -v etcd >/dev/null || { echo "kube-apiserver: etcd missing (scripts/deploy-tools.sh etcd)" >&2; exit 1; }
  mkdir -p "$dir"
  stop
  rm -rf "$dir/etcd-data" "$dir/certs"
  local etcd_client etcd_peer secure token
  etcd_client=$(free_port); etcd_peer=$(free_port); secure=$(free_port)
  token=$(openssl rand -hex 24)

  etcd --name validate --data-dir "$dir/etcd-data" \
    --listen-client-urls "http://127.0.0.1:$etcd_client" --advertise-client-urls "http://127.0.0.1:$etcd_client" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-cluster "validate=http://127.0.0.1:$etcd_peer" --log-level warn \
    >"$dir/etcd.log" 2>&1 &
  echo $! >"$dir/etcd.pid"

  openssl genrsa -out "$dir/sa.key" 2048 2>/dev/null
  openssl rsa -in "$dir/sa.key" -pubout -out "$dir/sa.pub" 2>/dev/null
  echo "$token,validator,validator-uid,system:masters" >"$dir/tokens.csv"
  chmod 600 "$dir/tokens.csv" "$dir/sa.key"

  "$bin" \
    --etcd-servers "http://127.0.0.1:$etcd_client" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$secure" \
    --cert-dir "$dir/certs" \
    --token-auth-file "$dir/tokens.csv" \
    --authorization-mode RBAC \
    --service-account-key-file "$dir/sa.pub" \
    --service-account-signing-key-file "$dir/sa.key" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-cluster-ip-range 10.96.0.0/16 \
    --enable-priority-and-fairness=false \
    --profiling=false \
    >"$dir/kube-apiserver.log" 2>&1 &
  echo $! >"$dir/kube-apiserver.pid"

  local kc="$dir/kubeconfig"
  rm -f "$kc"
  # The serving certificate is self-signed at start; the connection never leaves loopback.
  kubectl config --kubeconfig "$kc" set-cluster validate --server "https://127.0.0.1:$secure" --insecure-skip-tls-verify=true >/dev/null
  kubectl config --kubeconfig "$kc" set-credentials validator --token "$token" >/dev/null
  kubectl config --kubeconfig "$kc" set-context validate --cluster validate --user validator >/dev/null
  kubectl config --kubeconfig "$kc" use-context validate >/dev/null

  echo "kube-apiserver: $("$bin" --version) on https://127.0.0.1:$secure, etcd $(etcd --version | head -n1 | awk '{print $3}') on 127.0.0.1:$etcd_client"
  local deadline=$(( $(date +%s) + 180 ))
  until kubectl --kubeconfig "$kc" get --raw /readyz >/dev/null 2>&1; do
    if ! kill -0 "$(cat "$dir/kube-apiserver.pid")" 2>/dev/null || ! kill -0 "$(cat "$dir/etcd.pid")" 2>/dev/null; then
      echo "kube-apiserver: a process exited; last log lines:" >&2
      tail -n 20 "$dir/etcd.log" "$dir/kube-apiserver.log" >&2
      stop; exit 1
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "kube-apiserver: not ready after 180s; last log lines:" >&2
      tail -n 20 "$dir/kube-apiserver.log" >&2
      stop; exit 1
    fi
    sleep 1
  done
  echo "kube-apiserver: ready; KUBECONFIG=$kc"
}

case $cmd in
  start) start ;;
  stop) stop ;;
  *) echo "usage: kube-apiserver.sh start|stop DIR" >&2; exit 2 ;;
esac

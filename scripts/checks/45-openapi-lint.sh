#!/usr/bin/env bash
# Lints api/openapi.yaml with Spectral (ruleset spectral:oas, api/.spectral.yaml) and
# Redocly (recommended rules, api/redocly.yaml). Any finding fails, warnings and hints
# included: clients generate code from this file, and a description beside a $ref or an
# operation without a description is lost on them. The linters come from the npm
# registry through scripts/openapi-lint-tools.sh (pinned versions, cached in ~/.cache/carpool-npm);
# linting itself needs no network.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

echo "-- tools"
tools=$(scripts/openapi-lint-tools.sh)
spectral=$(echo "$tools" | sed -n 1p)
redocly=$(echo "$tools" | sed -n 2p)
# Redocly would otherwise ask its servers for news and send usage data.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

failed=0
echo "-- spectral lint (spectral:oas)"
if ! "$spectral" lint --ruleset api/.spectral.yaml --fail-severity=hint api/openapi.yaml; then
	failed=1
fi

echo "-- redocly lint (recommended)"
work=$(mktemp -d "${TMPDIR:-/tmp}/carpool-openapi-lint.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Redocly exits 0 on warnings: read its totals instead.
"$redocly" lint --config api/redocly.yaml --format=json api/openapi.yaml >"$work/redocly.json" 2>"$work/redocly.err" || true
if ! node -e '
	const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	for (const p of r.problems) console.log(`   ${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0].pointer}`);
	const t = r.totals;
	console.log(`   ${t.errors} errors, ${t.warnings} warnings`);
	process.exit(t.errors + t.warnings === 0 ? 0 : 1);
' "$work/redocly.json"; then
	grep -v '[║╔╚]' "$work/redocly.err" >&2 || true
	failed=1
fi
[ "$failed" -eq 0 ] || { echo "api/openapi.yaml has lint findings (above)" >&2; exit 1; }
echo "-- api/openapi.yaml lint-clean"

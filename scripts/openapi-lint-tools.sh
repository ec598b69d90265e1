#!/usr/bin/env bash
# Installs the OpenAPI linters from the npm registry into .cache/npm/NAME-VERSION, one
# prefix per pinned version, so nothing is installed globally and a version change
# installs beside the old one (idempotent: an installed version is left alone).
#   scripts/openapi-lint-tools.sh      prints the two executables' paths when done
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
SPECTRAL_VERSION=6.16.3 # @stoplight/spectral-cli
REDOCLY_VERSION=2.77.0  # @redocly/cli; needs node >= 20.19

command -v npm >/dev/null || { echo "openapi-lint-tools: npm is not installed (apt-get install -y npm)" >&2; exit 1; }

npm_install() { # dir package@version executable
	local dir="$top/.cache/npm/$1" pkg=$2 exe=$3
	if [ -x "$dir/node_modules/.bin/$exe" ] && [ "$(cat "$dir/.installed" 2>/dev/null)" = "$pkg" ]; then
		echo "$pkg: up to date" >&2
	else
		echo "$pkg: npm install into ${dir#"$top"/}" >&2
		rm -rf "$dir"
		mkdir -p "$dir"
		# A package.json of its own keeps npm from walking up into the repository.
		echo '{"private": true}' >"$dir/package.json"
		npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "$pkg" >&2
		echo "$pkg" >"$dir/.installed"
	fi
	echo "$dir/node_modules/.bin/$exe"
}

npm_install "spectral-$SPECTRAL_VERSION" "@stoplight/spectral-cli@$SPECTRAL_VERSION" spectral
npm_install "redocly-$REDOCLY_VERSION" "@redocly/cli@$REDOCLY_VERSION" redocly

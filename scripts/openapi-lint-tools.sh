#!/usr/bin/env bash
# Installs the OpenAPI linters from the npm registry into the user's cache
# (~/.cache/carpool-npm/NAME-VERSION), one prefix per pinned version, so nothing is
# installed globally, a version change installs beside the old one, and a fresh checkout
# (every CI run) reuses what an earlier one installed: spectral's 242 packages took 28 s
# each time when they lived in the checkout. Idempotent; concurrent runs wait for the
# first one's install.
#   scripts/openapi-lint-tools.sh      prints the two executables' paths when done
set -euo pipefail
SPECTRAL_VERSION=6.16.3 # @stoplight/spectral-cli
REDOCLY_VERSION=2.77.0  # @redocly/cli; needs node >= 20.19

command -v npm >/dev/null || { echo "openapi-lint-tools: npm is not installed (apt-get install -y npm)" >&2; exit 1; }

cache=${XDG_CACHE_HOME:-$HOME/.cache}/carpool-npm
mkdir -p "$cache"

npm_install() { # dir package@version executable
	local dir="$cache/$1" pkg=$2 exe=$3 tmp
	exec 9>"$dir.lock"
	flock 9
	if [ -x "$dir/node_modules/.bin/$exe" ] && [ "$(cat "$dir/.installed" 2>/dev/null)" = "$pkg" ]; then
		echo "$pkg: up to date in $dir" >&2
	else
		echo "$pkg: npm install into $dir" >&2
		tmp="$dir.tmp.$$"
		rm -rf "$tmp"
		mkdir -p "$tmp"
		# A package.json of its own keeps npm from walking up into a repository.
		echo '{"private": true}' >"$tmp/package.json"
		npm install --prefix "$tmp" --no-audit --no-fund --loglevel=error "$pkg" >&2
		echo "$pkg" >"$tmp/.installed"
		rm -rf "$dir"
		mv "$tmp" "$dir"
	fi
	exec 9>&-
	echo "$dir/node_modules/.bin/$exe"
}

npm_install "spectral-$SPECTRAL_VERSION" "@stoplight/spectral-cli@$SPECTRAL_VERSION" spectral
npm_install "redocly-$REDOCLY_VERSION" "@redocly/cli@$REDOCLY_VERSION" redocly

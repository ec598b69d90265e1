#!/bin/sh
# Vendors axe-core (the accessibility engine the browser tests run in Chromium) from npm
# into test/browser/testdata/axe, so the tests need no network and no CDN. Test-only: the
# app never serves it. Idempotent: run it again to refresh.
set -eu
version=4.14.1
dest=test/browser/testdata/axe
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetching axe-core@$version from npm"
(cd "$tmp" && npm pack --silent "axe-core@$version" >/dev/null && tar xzf "axe-core-$version.tgz")
echo "copying axe.min.js and LICENSE into $dest"
rm -rf "$dest"
mkdir -p "$dest"
cp "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$dest/"
echo "$version" > "$dest/VERSION"
echo "done: $(ls "$dest" | tr '\n' ' ')"

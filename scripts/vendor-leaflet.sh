#!/bin/sh
# Vendors Leaflet from npm into the web UI's embedded static files, so the binary serves
# the map library itself (no CDN at run time). Idempotent: run it again to refresh.
set -eu
version=1.9.4
dest=internal/web/static/leaflet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetching leaflet@$version from npm"
(cd "$tmp" && npm pack --silent "leaflet@$version" >/dev/null && tar xzf "leaflet-$version.tgz")
echo "copying dist files, images and LICENSE into $dest"
rm -rf "$dest"
mkdir -p "$dest/images"
cp "$tmp/package/dist/leaflet.js" "$tmp/package/dist/leaflet.css" "$tmp/package/LICENSE" "$dest/"
cp "$tmp/package/dist/images/"*.png "$dest/images/"
echo "$version" > "$dest/VERSION"
echo "done: $(ls "$dest" | tr '\n' ' ')"

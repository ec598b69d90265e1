# Sourced by the scripts that build tools into .cache/bin. Each tool there is pinned by its
# version or by its module's content (each script keeps a stamp), never by the checkout,
# so .cache/bin is a link to one directory per user: a fresh checkout of a tree reuses
# every tool an earlier checkout built instead of linking each again (half a minute of a
# warm CI). A checkout whose .cache/bin is already a directory keeps it.
# CARPOOL_TOOL_CACHE moves the shared directory.

# tool_bin TOP: makes TOP/.cache/bin (a link to the shared directory) and prints its path.
tool_bin() {
	local top=$1 shared=${CARPOOL_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/carpool-bin}
	mkdir -p "$shared" "$top/.cache"
	if [ ! -e "$top/.cache/bin" ] && [ ! -L "$top/.cache/bin" ]; then
		ln -s "$shared" "$top/.cache/bin"
	fi
	echo "$top/.cache/bin"
}

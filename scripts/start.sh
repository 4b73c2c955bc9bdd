#!/bin/sh
# How every package's `pnpm start` runs its program: `sh ../../scripts/start.sh dist/PROGRAM.js [ARGS...]`,
# from the package's folder (pnpm runs scripts there); `--compile-only` instead of the program stops after 1.
# One rule for every stage and client:
#
# 1. Compile with `tsc -b` when something it is built from changed since the last successful build, and
#    only then (tsc -b takes a few tenths of a second even when nothing changed). "Something" is any file
#    under packages/ (the package, @lsbaws/posix and the rest; node_modules and dist left out) or
#    tsconfig.base.json newer than dist/.compiled, which marks the last build that succeeded.
# 2. A type error stops the start, and removes the package's dist/: nothing stale is left to run.
# 3. Run node with the flags fork() needs and the ones measured to make it fastest; each is explained in
#    docs/node-differences.md ("The flags every start runs with"). It is a node of a supported line
#    (scripts/supported-node.sh: the newest, fetched once, when the one on PATH is not), and a machine
#    @lsbaws/posix does not run on is refused in one line before the program starts (start-check.mjs;
#    about 40 ms, a node of its own, so that the flags below stay the program's only ones).
set -e
root=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -f dist/.compiled ] || [ -n "$(find "$root/packages" "$root/tsconfig.base.json" \
  \( -name node_modules -o -name dist \) -prune -o -newer dist/.compiled -print -quit)" ]; then
  mkdir -p dist
  touch dist/.compiling # before tsc reads the sources: a file saved while it runs is newer, so compiled next time
  if "$root/node_modules/.bin/tsc" -b; then
    mv dist/.compiling dist/.compiled
  else
    rm -rf dist
    echo "start.sh: type errors (above): $(basename "$(pwd)") not started, its dist/ removed" >&2
    exit 1
  fi
fi
if [ "$1" = --compile-only ]; then exit 0; fi
. "$root/scripts/supported-node.sh"
node "$root/scripts/start-check.mjs"
exec node --single-threaded --enable-source-maps --no-short-builtin-calls --max-semi-space-size=1 --no-lazy "$@"

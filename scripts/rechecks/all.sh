#!/usr/bin/env bash
# Runs every re-check of docs/fork-in-node.md with the node on PATH, as the page shows each one,
# and ends with how many facts held: `pnpm rechecks`, or on another line `pnpm with-node 24 pnpm rechecks`.
cd "$(dirname "$0")/../.." || exit 2
unset NODE_OPTIONS # a loader there would run on a thread of its own, and fork() refuses that (fact 5)
held=0
failed=0
echo "Node $(node --version), $(uname -sm), $(node -p "require('./scripts/node-lines.json').lines.some((l) => l.version === process.versions.node) ? 'as scripts/node-lines.json pins' : 'not in scripts/node-lines.json (a new line: docs/new-node-line.md)'")"
while IFS='|' read -r flags program args; do
  echo
  echo "\$ node ${flags:+$flags }scripts/rechecks/dist/$program.js${args:+ $args}"
  # shellcheck disable=SC2086 # the flags and arguments are words
  if node $flags "scripts/rechecks/dist/$program.js" $args </dev/null; then held=$((held + 1)); else failed=$((failed + 1)); fi
done <<'LIST'
--single-threaded|dontfork|
|single-threaded-gc|
--single-threaded|sa-restart|
--single-threaded --expose-gc|task-queue|100 4 5 both
|loader-thread|
--single-threaded|child-exit|
--single-threaded --no-short-builtin-calls|huge-text|
--single-threaded --no-short-builtin-calls|copy-on-write|
LIST
echo
echo "$held facts hold, $failed do not"
[ "$failed" -eq 0 ]

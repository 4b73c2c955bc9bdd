# . scripts/supported-node.sh (sourced by sh, with root set to the repository, or run from there):
# puts a node of a line the project supports (scripts/node-lines.json) first on PATH. A supported node
# already there is left as it is. With any other (Node 20, end-of-life, is still many machines'
# default: its fork() refuses at the first request), the newest supported line, which
# scripts/with-node.sh fetches once from the npm registry; that is said in one line. Where that
# cannot be done (no registry, a CPU the registry has no Node for), one line names the supported
# lines and the command that runs on one, and the shell exits 1. How `pnpm start` (scripts/start.sh)
# and `pnpm test` start.
: "${root:=$(pwd)}"
supported_lines=$(bash "$root/scripts/with-node.sh" --versions | cut -d. -f1)
supported_current=$(node --version 2>/dev/null) || supported_current=none # --version: no JavaScript started
supported_current=${supported_current#v}
if ! echo "$supported_lines" | grep -qx "${supported_current%%.*}"; then
  supported_newest=$(echo "$supported_lines" | head -n 1)
  supported_list=$(echo "$supported_lines" | sort -n | tr '\n' ' ' | sed 's/ $//; s/ /, /g')
  if supported_bin=$(bash "$root/scripts/with-node.sh" "$supported_newest" sh -c 'dirname "$(command -v node)"' 2>/dev/null </dev/null); then
    PATH="$supported_bin:$PATH"
    export PATH
    echo "Node $supported_current is not one of the lines this project supports ($supported_list): running on Node $(node -p process.versions.node), from $(dirname "$(dirname "$supported_bin")") (fetched once from the npm registry)" >&2
  else
    if [ -z "$npm_package_name" ] || [ "$npm_package_name" = lsbaws-ts ]; then
      supported_command="pnpm with-node $supported_newest pnpm ${npm_lifecycle_event:-test}"
    else
      supported_command="pnpm with-node $supported_newest pnpm --filter $npm_package_name ${npm_lifecycle_event:-start}"
    fi
    echo "Node $supported_current is not one of the lines this project supports ($supported_list), and Node $supported_newest could not be fetched from the npm registry: install one of them, or run \`$supported_command\` where the registry can be reached" >&2
    exit 1
  fi
fi

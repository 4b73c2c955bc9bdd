#!/usr/bin/env bash
# The programs the tests use as a learner would, and where Debian has them: curl, ab and
# setpriv as clients and for the unprivileged process limit, gcc and python3 for the servers
# `pnpm check`'s tests write, Chromium for the live page of `pnpm observe --web` (driven by
# playwright-core), strace for the traced events of `pnpm observe --events` and `pnpm check 3e`, and pgrep and ss, which
# the packages' READMEs use.
# `pnpm test` runs this first: as root it installs what is missing with apt-get; otherwise it
# names the packages to install and stops.
set -uo pipefail
missing=()
for pair in curl:curl ab:apache2-utils setpriv:util-linux gcc:gcc python3:python3 chromium:chromium strace:strace pgrep:procps ss:iproute2; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "The tests need: ${missing[*]} (on Debian or Ubuntu: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "Installing what the tests need: ${missing[*]}" >&2
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null

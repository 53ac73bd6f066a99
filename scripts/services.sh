#!/usr/bin/env bash
# Services for the integration tests, installed from Debian's packages when
# missing and started on loopback. Sourced by scripts/test.sh; each function
# exports the variables the tests read (a test whose service is missing fails
# and names the variable it needed).
#
# Each step that needs a service adds an ensure_<name> function here and a
# call in ensure_services.

STACKCI_RUN_DIR="${STACKCI_RUN_DIR:-${TMPDIR:-/tmp}/stackci-services}"
mkdir -p "$STACKCI_RUN_DIR"
export STACKCI_RUN_DIR

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# need_apt PACKAGE... : installs the Debian packages that are not installed.
need_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing ${missing[*]} from Debian's packages"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# wait_for DESCRIPTION SECONDS COMMAND... : polls until COMMAND succeeds.
wait_for() {
  local what=$1 limit=$2
  shift 2
  local i
  for ((i = 0; i < limit * 10; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "timed out after ${limit}s waiting for $what" >&2
  return 1
}

# ensure_flake8: Debian's flake8 (with pycodestyle and pyflakes) for the lint
# tests. Exports STACKCI_FLAKE8 (the executable) and STACKCI_PYTHON (the
# interpreter flake8 runs on, for `python3 -m pycodestyle`).
ensure_flake8() {
  need_apt flake8 git
  STACKCI_FLAKE8="$(command -v flake8)"
  STACKCI_PYTHON="$(head -n1 "$STACKCI_FLAKE8" | sed -e 's/^#! *//' -e 's/ .*//')"
  export STACKCI_FLAKE8 STACKCI_PYTHON
  echo "flake8: $("$STACKCI_FLAKE8" --version | head -n1) ($STACKCI_FLAKE8, python $STACKCI_PYTHON)"
}

ensure_services() {
  ensure_flake8
}

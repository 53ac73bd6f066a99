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

# free_port : prints a TCP port that is free on 127.0.0.1 right now.
free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# pid_alive FILE : true when FILE holds the pid of a running process.
pid_alive() {
  [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

# detach PIDFILE LOG COMMAND... : starts COMMAND as a daemon and returns at
# once. The daemon runs in a session of its own with only /dev/null and LOG
# open: no descriptor of the caller's goes with it. That matters when the
# caller's output is a pipe (`npm run demo | cat`, a CI log, a command
# substitution): bash keeps a copy of a redirected descriptor on 10 or above
# (`ensure_demo >&2`), and a daemon holding that copy would keep the pipe
# open, so its reader would wait for as long as the daemon lives. `setsid -f`
# forks, so no shell of ours stays behind waiting on the daemon either.
# PIDFILE ("-" for none) gets the daemon's pid.
detach() {
  local pidfile=$1 log=$2
  shift 2
  (
    local fd
    for fd in /proc/"$BASHPID"/fd/*; do
      fd=${fd##*/}
      if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null; fi
    done
    if [ "$(id -u)" != 0 ] && [ "${DETACH_AS_ROOT:-}" = yes ]; then set -- sudo "$@"; fi
    # sh writes its own pid, then becomes the daemon (exec keeps the pid).
    # shellcheck disable=SC2016
    exec setsid -f sh -c 'if [ "$0" != - ]; then echo $$ >"$0"; fi; exec "$@"' \
      "$pidfile" "$@" >>"$log" 2>&1 </dev/null
  )
}

# --- Docker: dockerd, two local registries, a busybox base image ------------
#
# ensure_docker is idempotent: a daemon already answering on the socket, a
# registry already answering on its recorded port and a base image already
# built from the same bytes are all reused, so calling it from several test
# scripts (or twice in a row) is cheap. Nothing can be pulled here, so base
# images are built FROM scratch with Debian's static busybox.
#
# Exports:
#   STACKCI_DOCKER_HOST             unix:///var/run/docker.sock
#   STACKCI_REGISTRY                127.0.0.1:PORT, an open registry (no auth)
#   STACKCI_AUTH_REGISTRY           127.0.0.1:PORT, a registry with htpasswd auth
#   STACKCI_AUTH_REGISTRY_USER      its user
#   STACKCI_AUTH_REGISTRY_PASSWORD  its password (random, kept in $STACKCI_RUN_DIR)
#   STACKCI_BASE_IMAGE              stackci/busybox:<hash>, FROM scratch + busybox
#   STACKCI_DOCKER_CLI              the newest docker CLI on PATH (the tests
#                                   compare .dockerignore handling with it)
#
# State, logs and data live under $STACKCI_RUN_DIR/docker and
# $STACKCI_RUN_DIR/registry-{open,auth}; stop everything with stop_docker.
STACKCI_DOCKER_SOCKET=/var/run/docker.sock

docker_answers() {
  docker --host "unix://$STACKCI_DOCKER_SOCKET" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

start_dockerd() {
  local dir="$STACKCI_RUN_DIR/docker"
  mkdir -p "$dir"
  if docker_answers; then return 0; fi
  echo "starting dockerd (log: $dir/dockerd.log)"
  # Detached: the daemon outlives this shell and the test run, to be reused.
  : >"$dir/dockerd.log"
  DETACH_AS_ROOT=yes detach - "$dir/dockerd.log" dockerd \
    --host "unix://$STACKCI_DOCKER_SOCKET" \
    --pidfile "$dir/dockerd.pid"
  wait_for "dockerd on $STACKCI_DOCKER_SOCKET" 60 docker_answers || {
    tail -n 20 "$dir/dockerd.log" >&2
    return 1
  }
}

# start_registry NAME AUTH(yes|no) : a docker-registry on 127.0.0.1, its own
# config, storage and port; prints the address.
start_registry() {
  local name=$1 auth=$2
  local dir="$STACKCI_RUN_DIR/registry-$name"
  mkdir -p "$dir/data"
  if pid_alive "$dir/pid" && [ -f "$dir/port" ] &&
    curl -s -o /dev/null "http://127.0.0.1:$(cat "$dir/port")/v2/"; then
    echo "127.0.0.1:$(cat "$dir/port")"
    return 0
  fi
  local port
  port=$(free_port)
  {
    echo "version: 0.1"
    echo "log: {level: warn, accesslog: {disabled: true}}"
    echo "storage:"
    echo "  filesystem: {rootdirectory: $dir/data}"
    echo "  delete: {enabled: true}"
    echo "http:"
    echo "  addr: 127.0.0.1:$port"
    echo "  secret: stackci-$name-$port"
    if [ "$auth" = yes ]; then
      echo "auth:"
      echo "  htpasswd: {realm: stackci, path: $dir/htpasswd}"
    fi
  } >"$dir/config.yml"
  : >"$dir/registry.log"
  detach "$dir/pid" "$dir/registry.log" docker-registry serve "$dir/config.yml"
  echo "$port" >"$dir/port"
  wait_for "docker-registry $name on 127.0.0.1:$port" 30 \
    curl -s -o /dev/null "http://127.0.0.1:$port/v2/" || {
    tail -n 20 "$dir/registry.log" >&2
    return 1
  }
  echo "127.0.0.1:$port"
}

# The busybox base image, built FROM scratch and tagged by the hash of what
# goes into it, so a rebuild happens only when busybox or the recipe changes.
build_base_image() {
  local dir="$STACKCI_RUN_DIR/docker/busybox-base"
  mkdir -p "$dir"
  cp /bin/busybox "$dir/busybox"
  printf '%s\n' 'FROM scratch' 'COPY busybox /bin/busybox' \
    'RUN ["/bin/busybox", "--install", "-s", "/bin"]' 'CMD ["/bin/sh"]' \
    >"$dir/Dockerfile"
  local hash
  hash=$(cat "$dir/busybox" "$dir/Dockerfile" | sha256sum | cut -c1-12)
  STACKCI_BASE_IMAGE="stackci/busybox:$hash"
  if ! docker image inspect "$STACKCI_BASE_IMAGE" >/dev/null 2>&1; then
    echo "building $STACKCI_BASE_IMAGE"
    DOCKER_BUILDKIT=0 docker build -q -t "$STACKCI_BASE_IMAGE" "$dir" \
      >"$dir/build.log" 2>&1 || {
      cat "$dir/build.log" >&2
      return 1
    }
  fi
  export STACKCI_BASE_IMAGE
}

# newest_docker_cli : prints the path of the newest docker CLI on PATH.
# .dockerignore semantics changed in CLI 23 (moby/patternmatcher); Debian's
# docker.io ships a 20.10 CLI, so a newer one found first is preferred.
newest_docker_cli() {
  local best="" best_version=0 cli version
  for cli in $(type -ap docker); do
    version=$("$cli" version --format '{{.Client.Version}}' 2>/dev/null | cut -d. -f1)
    if [ -n "$version" ] && [ "$version" -gt "$best_version" ] 2>/dev/null; then
      best=$cli best_version=$version
    fi
  done
  echo "$best"
}

ensure_docker() {
  need_apt docker.io docker-registry busybox-static apache2-utils
  start_dockerd || return 1
  export STACKCI_DOCKER_HOST="unix://$STACKCI_DOCKER_SOCKET"
  STACKCI_DOCKER_CLI=$(newest_docker_cli)
  export STACKCI_DOCKER_CLI

  STACKCI_REGISTRY=$(start_registry open no) || return 1
  export STACKCI_REGISTRY

  local auth="$STACKCI_RUN_DIR/registry-auth"
  mkdir -p "$auth"
  if [ ! -s "$auth/password" ]; then
    head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$auth/password"
  fi
  export STACKCI_AUTH_REGISTRY_USER=stackci
  STACKCI_AUTH_REGISTRY_PASSWORD=$(cat "$auth/password")
  export STACKCI_AUTH_REGISTRY_PASSWORD
  htpasswd -Bbc "$auth/htpasswd" "$STACKCI_AUTH_REGISTRY_USER" \
    "$STACKCI_AUTH_REGISTRY_PASSWORD" 2>/dev/null
  STACKCI_AUTH_REGISTRY=$(start_registry auth yes) || return 1
  export STACKCI_AUTH_REGISTRY

  build_base_image || return 1
  echo "docker: $STACKCI_DOCKER_HOST, registries $STACKCI_REGISTRY (open)" \
    "and $STACKCI_AUTH_REGISTRY (auth), base image $STACKCI_BASE_IMAGE," \
    "CLI $STACKCI_DOCKER_CLI"
}

# stop_docker : stops the registries and the dockerd that ensure_docker
# started (a daemon it found already running is left alone).
stop_docker() {
  local name
  for name in open auth; do
    local pidfile="$STACKCI_RUN_DIR/registry-$name/pid"
    if pid_alive "$pidfile"; then kill "$(cat "$pidfile")"; fi
    rm -f "$pidfile"
  done
  local pidfile="$STACKCI_RUN_DIR/docker/dockerd.pid"
  if pid_alive "$pidfile"; then as_root kill "$(cat "$pidfile")"; fi
}

# --- A Python base image, made with debootstrap ------------------------------
#
# The sample stack (examples/stack) needs Python in its image, and nothing can
# be pulled here, so its base is made locally: `debootstrap --variant=minbase`
# of the host's Debian release with python3, trimmed (no .debs, apt lists,
# docs, man pages or locales) and `docker import`ed. The tag is a hash of the
# recipe, so the few minutes it takes are spent once per machine; later calls
# find the image and return at once. debootstrap uses the mirror apt uses.
#
# Exports:
#   STACKCI_PYTHON_IMAGE   stackci/python:<hash>, a minimal Debian with python3
PYTHON_BASE_RECIPE_VERSION=1

# debian_mirror : the first Debian (non-security) mirror in apt's sources.
debian_mirror() {
  local files=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources)
  local f
  for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    sed -n -e 's/^URIs:[[:space:]]*//p' \
      -e 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\2/p' "$f"
  done | tr ' ' '\n' | grep -E '^https?://.*/debian/?$' | head -n1
}

ensure_python_base_image() {
  need_apt debootstrap debian-archive-keyring
  local suite arch hash dir
  suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  arch=$(dpkg --print-architecture)
  hash=$(printf 'debootstrap minbase %s %s python3 recipe %s' "$suite" "$arch" \
    "$PYTHON_BASE_RECIPE_VERSION" | sha256sum | cut -c1-12)
  STACKCI_PYTHON_IMAGE="stackci/python:$hash"
  export STACKCI_PYTHON_IMAGE
  if docker image inspect "$STACKCI_PYTHON_IMAGE" >/dev/null 2>&1; then
    echo "python base image: $STACKCI_PYTHON_IMAGE"
    return 0
  fi
  dir="$STACKCI_RUN_DIR/python-base"
  mkdir -p "$dir"
  (
    # One builder at a time; a second caller waits and then finds the image.
    flock 9
    if docker image inspect "$STACKCI_PYTHON_IMAGE" >/dev/null 2>&1; then exit 0; fi
    local started=$SECONDS mirror root="$dir/rootfs"
    mirror=$(debian_mirror)
    echo "building $STACKCI_PYTHON_IMAGE: debootstrap $suite with python3 (once per machine; a few minutes)"
    as_root rm -rf "$root"
    as_root debootstrap --variant=minbase --arch="$arch" --include=python3 \
      "$suite" "$root" ${mirror:+"$mirror"} >"$dir/debootstrap.log" 2>&1 || {
      tail -n 30 "$dir/debootstrap.log" >&2
      exit 1
    }
    as_root rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* \
      "$root"/usr/share/doc "$root"/usr/share/man "$root"/usr/share/info \
      "$root"/usr/share/locale
    as_root tar --numeric-owner -C "$root" -c . |
      docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'CMD ["python3"]' \
        - "$STACKCI_PYTHON_IMAGE" >/dev/null || exit 1
    as_root rm -rf "$root"
    echo "built $STACKCI_PYTHON_IMAGE in $((SECONDS - started)) s"
  ) 9>"$dir/lock" || return 1
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


# ensure_influxdb : a real InfluxDB 1.x (Debian's influxdb, 1.6.7) on a
# loopback port, with its own generated config and its data under
# $STACKCI_RUN_DIR/influxdb. Authentication is on, as on a real deployment:
# an admin user is created at first start (influxd lets the first admin in
# without credentials) with a random password kept in $dir/admin-password.
# Reuses a running influxd whose config is current; a restarted one keeps its
# port, its data and its users. Also installs influxdb-client (`influx
# -import`, the baseline of the metrics benchmark).
# Exports:
#   STACKCI_INFLUXDB_URL       http://127.0.0.1:PORT
#   STACKCI_INFLUXDB_USER      the admin user (ALL PRIVILEGES)
#   STACKCI_INFLUXDB_PASSWORD  its password
ensure_influxdb() {
  need_apt influxdb influxdb-client
  local dir="$STACKCI_RUN_DIR/influxdb" port rpc conf
  mkdir -p "$dir"
  if [ -s "$dir/port" ]; then port=$(cat "$dir/port"); else port=$(free_port); fi
  if [ -s "$dir/rpc-port" ]; then rpc=$(cat "$dir/rpc-port"); else rpc=$(free_port); fi
  echo "$port" >"$dir/port"
  echo "$rpc" >"$dir/rpc-port"
  export STACKCI_INFLUXDB_URL="http://127.0.0.1:$port"
  if [ ! -s "$dir/admin-password" ]; then
    head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$dir/admin-password"
  fi
  export STACKCI_INFLUXDB_USER=stackci_admin
  STACKCI_INFLUXDB_PASSWORD=$(cat "$dir/admin-password")
  export STACKCI_INFLUXDB_PASSWORD
  # reporting-disabled: influxd must never phone home (no egress in CI).
  conf=$(
    echo '# Generated by scripts/services.sh for the stackci tests.'
    echo 'reporting-disabled = true'
    echo "bind-address = \"127.0.0.1:$rpc\""
    echo '[meta]'
    echo "  dir = \"$dir/meta\""
    echo '[data]'
    echo "  dir = \"$dir/data\""
    echo "  wal-dir = \"$dir/wal\""
    echo '  query-log-enabled = false'
    echo '[monitor]'
    echo '  store-enabled = false'
    echo '[continuous_queries]'
    echo '  enabled = false'
    echo '[http]'
    echo "  bind-address = \"127.0.0.1:$port\""
    echo '  auth-enabled = true'
    echo '  log-enabled = false'
  )
  if pid_alive "$dir/pid" && curl -fsS "$STACKCI_INFLUXDB_URL/ping" >/dev/null 2>&1; then
    if [ "$conf" = "$(cat "$dir/influxdb.conf" 2>/dev/null)" ]; then
      influx_admin_ready "$dir" && return 0
    else
      echo "influxd: config changed, restarting"
    fi
    stop_influxdb
  fi
  printf '%s\n' "$conf" >"$dir/influxdb.conf"
  # Detached: influxd outlives this shell (and the test that restarted it).
  detach "$dir/pid" "$dir/influxd.log" influxd -config "$dir/influxdb.conf"
  if ! wait_for "influxd on $STACKCI_INFLUXDB_URL" 30 curl -fsS "$STACKCI_INFLUXDB_URL/ping"; then
    tail -20 "$dir/influxd.log" >&2
    return 1
  fi
  influx_admin_ready "$dir" || return 1
  echo "influxd $(cat "$dir/pid") on $STACKCI_INFLUXDB_URL, auth on (user $STACKCI_INFLUXDB_USER; data in $dir)"
}

# influx_admin_ready DIR : true when the admin user answers; creates it when
# influxd has no user yet (the only moment it takes a query without
# credentials).
influx_admin_ready() {
  local dir=$1
  # curl reads the credentials from a file: nothing secret in `ps`.
  (umask 077 && printf 'user = "%s:%s"\n' "$STACKCI_INFLUXDB_USER" \
    "$STACKCI_INFLUXDB_PASSWORD" >"$dir/curl-admin")
  if curl -fsS -o /dev/null -K "$dir/curl-admin" --data-urlencode 'q=SHOW USERS' \
    "$STACKCI_INFLUXDB_URL/query" 2>/dev/null; then
    return 0
  fi
  if printf 'CREATE USER "%s" WITH PASSWORD \x27%s\x27 WITH ALL PRIVILEGES' \
    "$STACKCI_INFLUXDB_USER" "$STACKCI_INFLUXDB_PASSWORD" |
    curl -fsS -o /dev/null --data-urlencode q@- "$STACKCI_INFLUXDB_URL/query" 2>/dev/null &&
    curl -fsS -o /dev/null -K "$dir/curl-admin" --data-urlencode 'q=SHOW USERS' \
      "$STACKCI_INFLUXDB_URL/query"; then
    return 0
  fi
  echo "influxd on $STACKCI_INFLUXDB_URL refuses the admin user $STACKCI_INFLUXDB_USER:" \
    "its data in $dir/meta has other users (remove $dir to start afresh)" >&2
  return 1
}

# stop_influxdb : kills the influxd that ensure_influxdb started (the fault
# tests use it; ensure_influxdb brings it back on the same port and data).
stop_influxdb() {
  local dir="$STACKCI_RUN_DIR/influxdb" pid i
  [ -s "$dir/pid" ] || return 0
  pid=$(cat "$dir/pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; fi
  fi
  rm -f "$dir/pid"
}

# ensure_demo : what `npm run demo` needs, and no more: a Docker engine
# (installed and started when missing), the Python base image the sample
# stack builds on, and flake8. Prints the variables the demo reads.
ensure_demo() {
  need_apt docker.io flake8 git
  start_dockerd || return 1
  export STACKCI_DOCKER_HOST="unix://$STACKCI_DOCKER_SOCKET"
  ensure_python_base_image || return 1
}

# ensure_chromium : Debian's chromium, which playwright-core drives in the
# HTML report's browser test (headless, no sandbox, network blocked).
# Exports STACKCI_CHROMIUM (the executable).
ensure_chromium() {
  need_apt chromium
  export STACKCI_CHROMIUM=/usr/bin/chromium
  echo "chromium: $("$STACKCI_CHROMIUM" --version 2>/dev/null | head -n1) ($STACKCI_CHROMIUM)"
}

ensure_services() {
  ensure_docker
  ensure_python_base_image
  ensure_flake8
  ensure_influxdb
  ensure_chromium
}

# Sourced by .ci/run, never executed:
#
#   source .ci/postgres.sh
#   start_test_postgres
#   trap stop_test_postgres EXIT
#
# Starts a throwaway PostgreSQL server (installing Debian's `postgresql` if needed) listening on
# 127.0.0.1 only, on a free port, with its data in a mktemp folder, and exports TEST_DATABASE_URL.
# stop_test_postgres stops it and deletes the folder.

_test_pg_bin_dir() {
  if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
  else
    # Debian keeps the server binaries out of PATH.
    find /usr/lib/postgresql -path '*/bin/pg_ctl' 2>/dev/null | sort -V | tail -n 1 | xargs -r dirname
  fi
}

_test_pg_install() {
  echo "postgres.sh: installing Debian's postgresql package"
  # The package would start its own cluster on port 5432; policy-rc.d exit 101 forbids that.
  local policy=/usr/sbin/policy-rc.d added_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && added_policy=1
  fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  local status=$?
  [ "$added_policy" = 1 ] && rm -f "$policy"
  return "$status"
}

_test_pg_free_port() {
  node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"
}

# Runs a command as the postgres user when we are root (initdb and postgres refuse root).
_test_pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_test_postgres() {
  local bin
  bin=$(_test_pg_bin_dir)
  if [ -z "$bin" ]; then
    _test_pg_install || return 1
    bin=$(_test_pg_bin_dir)
  fi

  TEST_PG_DIR=$(mktemp -d -t test-postgres.XXXXXX) || return 1
  [ "$(id -u)" = 0 ] && chown postgres: "$TEST_PG_DIR"
  local password port
  password=$(node -e "console.log(require('node:crypto').randomBytes(18).toString('hex'))")
  port=$(_test_pg_free_port)
  _test_pg_as_owner sh -c "umask 077 && echo '$password' > '$TEST_PG_DIR/pwfile'"

  _test_pg_as_owner "$bin/initdb" -D "$TEST_PG_DIR/data" -U postgres -E UTF8 --no-sync \
    --auth=scram-sha-256 --pwfile="$TEST_PG_DIR/pwfile" >"$TEST_PG_DIR/initdb.log" 2>&1 || {
    cat "$TEST_PG_DIR/initdb.log" >&2
    return 1
  }
  # TCP on 127.0.0.1 only, no Unix socket; fsync off because the data is thrown away anyway.
  # Written to postgresql.conf so that a plain `pg_ctl start` after a stop comes back the same.
  printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = ''\nfsync = off\n" \
    "$port" | _test_pg_as_owner tee -a "$TEST_PG_DIR/data/postgresql.conf" >/dev/null
  _test_pg_as_owner "$bin/pg_ctl" -D "$TEST_PG_DIR/data" -l "$TEST_PG_DIR/server.log" -w -t 60 \
    start >/dev/null || {
    cat "$TEST_PG_DIR/server.log" >&2
    return 1
  }
  TEST_PG_CTL="$bin/pg_ctl"
  export TEST_DATABASE_URL="postgresql://postgres:$password@127.0.0.1:$port/postgres"
  echo "postgres.sh: PostgreSQL $("$bin/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$port ($TEST_PG_DIR)"
}

stop_test_postgres() {
  [ -n "${TEST_PG_DIR:-}" ] || return 0
  if [ -f "$TEST_PG_DIR/data/postmaster.pid" ]; then
    _test_pg_as_owner "$TEST_PG_CTL" -D "$TEST_PG_DIR/data" -m fast -w stop >/dev/null 2>&1
  fi
  rm -rf "$TEST_PG_DIR"
  unset TEST_PG_DIR TEST_PG_CTL TEST_DATABASE_URL
}

# Shared helpers for scripts/*: sourced, not run.
# Every step is idempotent: a second run installs nothing and rebuilds only what changed.
set -euo pipefail

GATHERDB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export GATHERDB_ROOT

# Packages needed to build and run gatherdb (Debian 12).
GATHERDB_BUILD_PACKAGES=(
  build-essential cmake pkg-config
  libcaf-dev unixodbc unixodbc-dev odbcinst odbc-postgresql libsqliteodbc
  libboost-test-dev libboost-dev nlohmann-json3-dev libspdlog-dev
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# ensure_packages PKG...: installs the packages that are missing, nothing else.
ensure_packages() {
  local missing=()
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  echo "gatherdb: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! as_root apt-get install -y --no-install-recommends "${missing[@]}"; then
    as_root apt-get update
    as_root apt-get install -y --no-install-recommends "${missing[@]}"
  fi
}

# build_tree DIR BUILD_TYPE [CMAKE_ARGS...]: configures once, then builds incrementally.
build_tree() {
  local dir="$1" type="$2"
  shift 2
  cmake -S "$GATHERDB_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE="$type" "$@" >/dev/null
  cmake --build "$dir" -j "$(nproc)"
}

# ensure_postgres: starts PostgreSQL 15 and creates the test role and database; exports
# GATHERDB_PG_DSN (and GATHERDB_PG2_DSN, a second database) unless the caller already set one.
ensure_postgres() {
  if [ -n "${GATHERDB_PG_DSN:-}" ]; then
    return 0
  fi
  ensure_packages postgresql
  if ! pg_lsclusters -h 2>/dev/null | awk '$1 == 15 && $2 == "main"' | grep -q .; then
    as_root pg_createcluster 15 main
  fi
  if ! pg_lsclusters -h | awk '$1 == 15 && $2 == "main" {print $4}' | grep -q online; then
    as_root pg_ctlcluster 15 main start
  fi
  local i
  for i in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 1
  done
  local user=gatherdb db=gatherdb_test pw="${GATHERDB_PG_PASSWORD:-gatherdb-test-pw}"
  as_root runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -d postgres <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$user') THEN
    CREATE ROLE $user LOGIN PASSWORD '$pw';
  ELSE
    ALTER ROLE $user LOGIN PASSWORD '$pw';
  END IF;
END \$\$;
SQL
  # A second database on the same server: the routes suites' second PostgreSQL shard.
  local d
  for d in "$db" "${db}_2"; do
    if ! as_root runuser -u postgres -- psql -tAq -d postgres \
        -c "SELECT 1 FROM pg_database WHERE datname = '$d'" | grep -q 1; then
      as_root runuser -u postgres -- createdb -O "$user" "$d"
    fi
  done
  export GATHERDB_PG_DSN="Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=5432;Database=$db;Uid=$user;Pwd=$pw;CommLog=0;"
  export GATHERDB_PG2_DSN="Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=5432;Database=${db}_2;Uid=$user;Pwd=$pw;CommLog=0;"
}

# ensure_mariadb: starts MariaDB (mysqld_safe in the background where there is no systemd) and
# creates the test user and database; exports GATHERDB_MARIADB_DSN unless the caller already
# set one. A second run only pings the server.
ensure_mariadb() {
  if [ -n "${GATHERDB_MARIADB_DSN:-}" ]; then
    return 0
  fi
  ensure_packages mariadb-server odbc-mariadb
  # `mysqladmin ping` succeeds whenever the server answers, even if it refuses the login.
  if ! as_root mysqladmin ping >/dev/null 2>&1; then
    if [ -d /run/systemd/system ]; then
      as_root systemctl start mariadb
    else
      as_root install -d -o mysql -g mysql /run/mysqld
      # Detached from this shell's stdout and stderr, so that callers piping the script's
      # output (CI) are not held open by the server.
      as_root sh -c 'nohup mysqld_safe >/dev/null 2>&1 </dev/null &'
    fi
  fi
  local i
  for i in $(seq 1 60); do
    as_root mysqladmin ping >/dev/null 2>&1 && break
    sleep 1
  done
  if ! as_root mysqladmin ping >/dev/null 2>&1; then
    echo "gatherdb: MariaDB did not start within 60 s" >&2
    return 1
  fi
  local user=gatherdb db=gatherdb_test pw="${GATHERDB_MARIADB_PASSWORD:-gatherdb-test-pw}"
  # Root logs in through the unix socket (unix_socket authentication). Tests kill only their
  # own user's connections, which needs no privilege beyond these.
  as_root mysql -uroot <<SQL
CREATE DATABASE IF NOT EXISTS $db;
CREATE USER IF NOT EXISTS '$user'@'localhost' IDENTIFIED BY '$pw';
CREATE USER IF NOT EXISTS '$user'@'127.0.0.1' IDENTIFIED BY '$pw';
ALTER USER '$user'@'localhost' IDENTIFIED BY '$pw';
ALTER USER '$user'@'127.0.0.1' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON $db.* TO '$user'@'localhost';
GRANT ALL PRIVILEGES ON $db.* TO '$user'@'127.0.0.1';
SQL
  export GATHERDB_MARIADB_DSN="Driver={MariaDB Unicode};Server=127.0.0.1;Port=3306;Database=$db;Uid=$user;Pwd=$pw;"
}

# ensure_pgbouncer: starts Debian's PgBouncer in front of the PostgreSQL of ensure_postgres, in
# transaction pooling mode (the mode most deployments use), with its own configuration under
# /var/tmp/gatherdb-pgbouncer and its own port (GATHERDB_PGBOUNCER_PORT, 6433); exports
# GATHERDB_PGBOUNCER_DSN unless the caller already set one. A second run only checks the port.
ensure_pgbouncer() {
  if [ -n "${GATHERDB_PGBOUNCER_DSN:-}" ]; then
    return 0
  fi
  ensure_postgres
  ensure_packages pgbouncer
  local dir=/var/tmp/gatherdb-pgbouncer port="${GATHERDB_PGBOUNCER_PORT:-6433}"
  local user=gatherdb db=gatherdb_test pw="${GATHERDB_PG_PASSWORD:-gatherdb-test-pw}"
  as_root install -d -o postgres -g postgres -m 700 "$dir"
  # Plain-text secrets in the auth file: PgBouncer then answers the client's SCRAM itself and
  # logs in to PostgreSQL with the same password.
  as_root runuser -u postgres -- sh -c "umask 077; cat > '$dir/userlist.txt'" <<USERS
"$user" "$pw"
USERS
  as_root runuser -u postgres -- sh -c "umask 077; cat > '$dir/pgbouncer.ini'" <<INI
[databases]
$db = host=127.0.0.1 port=5432 dbname=$db

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/userlist.txt
pool_mode = transaction
; After a failed server login (PostgreSQL restarting) PgBouncer waits this long before the next
; try, and every client's query waits with it: 15 s by default.
server_login_retry = 1
max_client_conn = 400
default_pool_size = 20
ignore_startup_parameters = extra_float_digits
admin_users = $user
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
  if ! pg_isready -q -h 127.0.0.1 -p "$port"; then
    as_root runuser -u postgres -- pgbouncer -d "$dir/pgbouncer.ini"
  else
    # Running already: read the configuration again, in case it changed.
    as_root kill -HUP "$(cat "$dir/pgbouncer.pid")"
  fi
  local i
  for i in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p "$port" && break
    sleep 1
  done
  if ! pg_isready -q -h 127.0.0.1 -p "$port"; then
    echo "gatherdb: PgBouncer did not start on port $port within 30 s" >&2
    return 1
  fi
  export GATHERDB_PGBOUNCER_DSN="Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=$port;Database=$db;Uid=$user;Pwd=$pw;CommLog=0;"
}

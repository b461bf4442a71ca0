# shellcheck shell=bash
# Redis: reuse a running server on 127.0.0.1:6379; else start redis-server (Debian package
# `redis-server`, installed when missing) as a daemon with no persistence.

# The port is fixed by docs/conventions.md; MOPAO_REDIS_PORT exists only to test the start path.
REDIS_PORT=${MOPAO_REDIS_PORT:-6379}

redis_running() {
  if command -v redis-cli >/dev/null 2>&1; then
    [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]
  else
    port_open 127.0.0.1 "$REDIS_PORT"
  fi
}

redis_start() {
  if owned_pid redis >/dev/null; then info "redis: already running (started by mopao, pid $(owned_pid redis))"; return 0; fi
  if redis_running; then info "redis: 127.0.0.1:$REDIS_PORT already answers, reusing it"; return 0; fi
  if ! command -v redis-server >/dev/null 2>&1; then
    apt_install redis-server || die "redis: not running and cannot install redis-server (need root + apt)"
    if redis_running; then info "redis: started by the package installation (left running on down)"; return 0; fi
  fi
  mkdir -p "$MOPAO_STATE_DIR/redis"
  info "redis: starting on 127.0.0.1:$REDIS_PORT (log $MOPAO_LOG_DIR/redis.log)"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
    --pidfile "$(pidfile redis)" --logfile "$MOPAO_LOG_DIR/redis.log" --dir "$MOPAO_STATE_DIR/redis" \
    --save '' --appendonly no 9>&- || die "redis: redis-server failed to start"
  MOPAO_STARTED+=(redis)
  local i; for ((i = 0; i < 50; i++)); do [[ -s "$(pidfile redis)" ]] && break; sleep 0.1; done
  wait_until redis 30 '' "$MOPAO_LOG_DIR/redis.log" redis_running
  ok "redis: ready on 127.0.0.1:$REDIS_PORT"
}

redis_stop() {
  local pid
  pid=$(owned_pid redis) || { info "redis: not started by mopao here, leaving it alone"; return 0; }
  info "redis: stopping (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local i; for ((i = 0; i < 100; i++)); do pid_alive "$pid" || break; sleep 0.1; done
  pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$(pidfile redis)"
}

redis_status() {
  local pid owner state=down
  redis_running && state=up
  if pid=$(owned_pid redis); then owner="mopao (pid $pid)"; elif [[ $state == up ]]; then owner=external; else owner=-; fi
  local log="$MOPAO_LOG_DIR/redis.log"; [[ $owner == mopao* ]] || log=-
  status_row redis "127.0.0.1:$REDIS_PORT" "$state" "$owner" "$log"
}

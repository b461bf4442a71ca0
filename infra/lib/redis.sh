# shellcheck shell=bash
# Redis: reuse a running server on 127.0.0.1:6379; else start redis-server (Debian package
# `redis-server`, installed when missing; else the binary inside the embedded-redis jar from Maven
# Central) as a daemon with no persistence. MOPAO_REDIS_MODE=auto (default) | os | embedded.

# The port is fixed by docs/conventions.md; MOPAO_REDIS_PORT exists only to test the start path.
REDIS_PORT=${MOPAO_REDIS_PORT:-6379}
REDIS_MODE=${MOPAO_REDIS_MODE:-auto}

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
  local bin=redis-server
  case "$REDIS_MODE" in
    embedded) bin=$(embedded_redis_bin) ;;
    os|auto)
      if ! command -v redis-server >/dev/null 2>&1; then
        if apt_install redis-server; then
          if redis_running; then info "redis: started by the package installation (left running on down)"; return 0; fi
        elif [[ $REDIS_MODE == auto ]]; then
          info "redis: no OS package and no root/apt: using the redis-server binary of embedded-redis"
          bin=$(embedded_redis_bin)
        else
          die "redis: cannot install redis-server (need root + apt)"
        fi
      fi ;;
    *) die "MOPAO_REDIS_MODE must be auto, os or embedded" ;;
  esac
  mkdir -p "$MOPAO_STATE_DIR/redis"
  info "redis: starting $bin on 127.0.0.1:$REDIS_PORT (log $MOPAO_LOG_DIR/redis.log)"
  "$bin" --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
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
  stop_pid redis "$pid" 10
  wait_port_free "$REDIS_PORT" 10 || warn "redis: port $REDIS_PORT still in use"
}

redis_status() {
  local pid owner state=down
  redis_running && state=up
  if pid=$(owned_pid redis); then owner="mopao (pid $pid)"; elif [[ $state == up ]]; then owner=external; else owner=-; fi
  local log="$MOPAO_LOG_DIR/redis.log"; [[ $owner == mopao* ]] || log=-
  status_row redis "127.0.0.1:$REDIS_PORT" "$state" "$owner" "$log"
}

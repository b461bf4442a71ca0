# shellcheck shell=bash
# `./mopao infra up|down|status|logs|reset` — orchestration of the per-service functions.

INFRA_SERVICES=(postgres redis kafka keycloak)
MOPAO_STARTED=()   # services THIS invocation started (filled by *_start)

infra_check_services() { # svc...
  local s k
  for s in "$@"; do
    for k in "${INFRA_SERVICES[@]}"; do [[ $s == "$k" ]] && continue 2; done
    die "unknown service '$s' (one of: ${INFRA_SERVICES[*]})"
  done
}

infra_want() { # svc selected...
  local s=$1; shift
  (($# == 0)) && return 0
  local x; for x in "$@"; do [[ $x == "$s" ]] && return 0; done
  return 1
}

# Start what is missing. Keycloak (slowest) is spawned first, then Kafka, so both boot while
# PostgreSQL and Redis are prepared; then wait for readiness and create the Kafka topics.
infra_up() { # [svc...]
  infra_check_services "$@"
  use_java25
  ensure_state_dirs
  infra_lock
  local t0=$SECONDS
  if infra_want keycloak "$@"; then keycloak_start; fi
  if infra_want kafka "$@"; then kafka_start; fi
  if infra_want postgres "$@"; then pg_start; pg_provision; fi
  if infra_want redis "$@"; then redis_start; fi
  if infra_want kafka "$@"; then kafka_wait; kafka_create_topics; fi
  if infra_want keycloak "$@"; then keycloak_wait; fi
  infra_unlock
  if ((${#MOPAO_STARTED[@]})); then
    ok "infra up in $((SECONDS - t0))s (started: ${MOPAO_STARTED[*]})"
  else
    ok "infra up: everything was already running"
  fi
}

# Stop what this clone's mopao started (PID files); pre-existing servers are left alone.
infra_down() { # [svc...]
  infra_check_services "$@"
  ensure_state_dirs
  infra_lock
  if infra_want keycloak "$@"; then keycloak_stop; fi
  if infra_want kafka "$@"; then kafka_stop; fi
  if infra_want redis "$@"; then redis_stop; fi
  if infra_want postgres "$@"; then pg_stop; fi
  infra_unlock
  ok "infra down"
}

status_row() { # svc address state owner log
  printf '%-9s %-36s %-5s %-30s %s\n' "$@"
}

infra_status() {
  ensure_state_dirs
  status_row SERVICE ADDRESS STATE OWNER LOG
  pg_status
  redis_status
  kafka_status
  keycloak_status
  printf '\nstate: %s   cache: %s\n' "$MOPAO_STATE_DIR" "$MOPAO_CACHE_DIR"
}

infra_logs() { # svc [-f] [lines]
  local svc=${1:-} follow=() lines=100
  [[ -n "$svc" ]] || die "usage: ./mopao infra logs <${INFRA_SERVICES[*]// /|}> [-f] [-n LINES]"
  shift
  while (($#)); do
    case "$1" in
      -f|--follow) follow=(-F) ;;
      -n) lines=${2:?}; shift ;;
      *) die "unknown option $1" ;;
    esac
    shift
  done
  local log
  case "$svc" in
    postgres)
      if owned_pid postgres >/dev/null; then log="$MOPAO_LOG_DIR/postgres.log"
      else log=$(ls -t /var/log/postgresql/*.log 2>/dev/null | head -n 1 || true); fi ;;
    kafka|keycloak|redis) log="$MOPAO_LOG_DIR/$svc.log" ;;
    *) log="$MOPAO_LOG_DIR/$svc.log" ;;
  esac
  [[ -n "$log" && -f "$log" ]] || die "no log for $svc (${log:-none}); did mopao start it?"
  info "$log"
  exec tail -n "$lines" "${follow[@]}" "$log"
}

infra_reset() { # svc...
  (($#)) || die "usage: ./mopao infra reset <kafka|keycloak>...  (stops it and deletes its local state)"
  local s
  for s in "$@"; do
    case "$s" in
      kafka) infra_down kafka; kafka_reset ;;
      keycloak) infra_down keycloak; keycloak_reset ;;
      *) die "reset supports kafka and keycloak (PostgreSQL/Redis data are not ours to delete)" ;;
    esac
  done
}

# A failed `up` stops again what it had started, so no half-started stack is left behind.
_infra_up_failed() {
  local rc=$?
  trap - EXIT
  if ((rc != 0 && ${#MOPAO_STARTED[@]})); then
    warn "infra up failed: stopping what it started (${MOPAO_STARTED[*]})"
    infra_unlock
    infra_down "${MOPAO_STARTED[@]}" || true
  fi
  exit "$rc"
}

infra_up_or_undo() { # [svc...]
  trap _infra_up_failed EXIT
  infra_up "$@"
  trap - EXIT
}

cmd_infra() {
  local sub=${1:-help}; shift || true
  case "$sub" in
    up) infra_up_or_undo "$@" ;;
    down) infra_down "$@" ;;
    status) infra_status ;;
    logs) infra_logs "$@" ;;
    topics) kafka_list_topics ;;
    reset) infra_reset "$@" ;;
    help|-h|--help) help_infra ;;
    *) die "unknown: ./mopao infra $sub (see ./mopao infra help)" ;;
  esac
}

help_infra() {
  cat <<'TXT'
./mopao infra <command> [service...]      services: postgres redis kafka keycloak (default: all)

  up [svc...]        start what is missing (idempotent): Kafka 127.0.0.1:9092, Keycloak :8180,
                     PostgreSQL :5432 (+ roles/databases), Redis :6379; create the Kafka topics
  down [svc...]      stop exactly what ./mopao started from this clone (pre-existing servers stay)
  status             table of what runs where and who started it
  logs <svc> [-f] [-n N]   show a service log (.mopao/logs/<svc>.log)
  topics             list Kafka topics: name partitions cleanup.policy retention.ms
  reset <kafka|keycloak>   stop it and delete its local state (topics / Keycloak DB, realm re-import)
TXT
}

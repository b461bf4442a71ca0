# shellcheck shell=bash
# Shared helpers for ./mopao (sourced, not executed).

: "${MOPAO_ROOT:?MOPAO_ROOT must be set by ./mopao}"
: "${MOPAO_STATE_DIR:=$MOPAO_ROOT/.mopao}"
: "${MOPAO_CACHE_DIR:=${XDG_CACHE_HOME:-$HOME/.cache}/mopao}"
: "${MOPAO_JDK:=/usr/lib/jvm/temurin-25-jdk-amd64}"
[[ $MOPAO_STATE_DIR == /* ]] || MOPAO_STATE_DIR="$MOPAO_ROOT/$MOPAO_STATE_DIR"
[[ $MOPAO_CACHE_DIR == /* ]] || MOPAO_CACHE_DIR="$MOPAO_ROOT/$MOPAO_CACHE_DIR"
MOPAO_STATE_DIR=${MOPAO_STATE_DIR%/}
MOPAO_LOG_DIR="$MOPAO_STATE_DIR/logs"
MOPAO_RUN_DIR="$MOPAO_STATE_DIR/run"

# ---- output -------------------------------------------------------------------------------------
if [[ -t 2 && -z "${NO_COLOR:-}" ]]; then
  _c_dim=$'\e[2m'; _c_red=$'\e[31m'; _c_grn=$'\e[32m'; _c_yel=$'\e[33m'; _c_off=$'\e[0m'
else
  _c_dim=''; _c_red=''; _c_grn=''; _c_yel=''; _c_off=''
fi
info() { printf '%s[mopao]%s %s\n' "$_c_dim" "$_c_off" "$*" >&2; }
ok()   { printf '%s[mopao]%s %s%s%s\n' "$_c_dim" "$_c_off" "$_c_grn" "$*" "$_c_off" >&2; }
warn() { printf '%s[mopao]%s %swarning:%s %s\n' "$_c_dim" "$_c_off" "$_c_yel" "$_c_off" "$*" >&2; }
die()  { printf '%s[mopao]%s %serror:%s %s\n' "$_c_dim" "$_c_off" "$_c_red" "$_c_off" "$*" >&2; exit 1; }

# ---- environment --------------------------------------------------------------------------------
# Use JDK 25: keep a JAVA_HOME that already is 25+, else the Temurin 25 path (Debian package layout).
use_java25() {
  if [[ -n "${JAVA_HOME:-}" && -f "$JAVA_HOME/release" ]] \
     && grep -Eq '^JAVA_VERSION="(2[5-9]|[3-9][0-9])' "$JAVA_HOME/release"; then
    :
  elif [[ -x "$MOPAO_JDK/bin/java" ]]; then
    export JAVA_HOME="$MOPAO_JDK"
  else
    die "JDK 25 not found: install Temurin 25 (expected at $MOPAO_JDK) or set JAVA_HOME/MOPAO_JDK"
  fi
  export PATH="$JAVA_HOME/bin:$PATH"
  # shellcheck disable=SC2034 # JAVA is used by the service libraries
  JAVA="$JAVA_HOME/bin/java"
}

ensure_state_dirs() {
  mkdir -p "$MOPAO_LOG_DIR" "$MOPAO_RUN_DIR" "$MOPAO_CACHE_DIR"
}

# Quiet Maven for infra downloads; the full output goes to a log, its tail is shown on failure.
mvnw_quiet() {
  local log="$MOPAO_LOG_DIR/maven-fetch.log"
  if ! MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}" \
       "$MOPAO_ROOT/mvnw" -B -ntp "$@" >"$log" 2>&1 9>&-; then
    tail -n 30 "$log" >&2
    die "maven failed (full log: $log)"
  fi
}

# Serialise infra up/down across clones of this user (ports are machine-wide). fd 9 is closed for
# every daemon we spawn so that the lock never outlives this command.
infra_lock() {
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>"$MOPAO_CACHE_DIR/infra.lock"
  if ! flock -n 9; then
    info "waiting for another ./mopao infra command to finish (lock $MOPAO_CACHE_DIR/infra.lock)"
    flock -w 900 9 || die "could not take $MOPAO_CACHE_DIR/infra.lock"
  fi
}
infra_unlock() {
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>&- || true
}

# ---- processes and ports ------------------------------------------------------------------------
port_open() { # host port
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

# The process or any process of its group (daemons we start lead their own group: kc.sh runs java
# as a child, so the group outlives the leader for a moment during shutdown).
group_alive() { [[ -n "${1:-}" ]] && { kill -0 "$1" 2>/dev/null || kill -0 -- "-$1" 2>/dev/null; }; }

pidfile() { printf '%s/%s.pid' "$MOPAO_RUN_DIR" "$1"; }

# PID recorded for a service we started, if that process still runs; else nothing (and clean up).
owned_pid() { # svc
  local f pid; f=$(pidfile "$1")
  [[ -f "$f" ]] || return 1
  pid=$(<"$f")
  if group_alive "$pid" && pid_is_ours "$1" "$pid"; then printf '%s' "$pid"; return 0; fi
  rm -f "$f"; return 1
}

# Guard against a stale PID file whose PID was reused: the leader's command line must look like
# ours. (A PID cannot be reused while its process group still exists, so a dead leader is fine.)
pid_is_ours() { # svc pid
  local want cmd
  [[ -r "/proc/$2/cmdline" ]] || return 0
  case "$1" in
    redis) want=redis ;;
    *) want="$MOPAO_STATE_DIR/$1" ;;
  esac
  cmd=$(tr '\0' ' ' <"/proc/$2/cmdline" 2>/dev/null) || return 0
  [[ $cmd == *"$want"* ]]
}

# Start a long-running command detached in its own session (so Ctrl-C in the terminal does not
# kill it and `down` can stop its whole process group). Writes the PID before exec.
spawn() { # svc logfile cmd...
  local svc=$1 log=$2; shift 2
  local pf; pf=$(pidfile "$svc")
  : >"$log"
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pf" "$@" >>"$log" 2>&1 </dev/null 9>&- &
  local i
  for ((i = 0; i < 50; i++)); do [[ -s "$pf" ]] && return 0; sleep 0.1; done
  die "could not start $svc (no PID file $pf)"
}

# Stop a process (group) we started: TERM, wait, then KILL.
stop_pid() { # svc pid [timeout_s]
  local svc=$1 pid=$2 timeout=${3:-60} i
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 5; i++)); do
    group_alive "$pid" || break
    sleep 0.2
  done
  if group_alive "$pid"; then
    warn "$svc (pid $pid) did not stop in ${timeout}s, killing it"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$(pidfile "$svc")"
}

# Wait until check_cmd succeeds; fail early when the watched PID dies.
wait_until() { # svc timeout_s pid(or "") logfile check_cmd...
  local svc=$1 timeout=$2 pid=$3 log=$4; shift 4
  local start=$SECONDS
  until "$@"; do
    if [[ -n "$pid" ]] && ! group_alive "$pid"; then
      [[ -f "$log" ]] && tail -n 40 "$log" >&2
      die "$svc exited during start-up (log: $log)"
    fi
    if ((SECONDS - start >= timeout)); then
      [[ -f "$log" ]] && tail -n 40 "$log" >&2
      die "$svc not ready after ${timeout}s (log: $log)"
    fi
    sleep 0.5
  done
}

wait_port_free() { # port timeout_s
  local i
  for ((i = 0; i < $2 * 5; i++)); do port_open 127.0.0.1 "$1" || return 0; sleep 0.2; done
  return 1
}

# HTTP status code of a GET (curl if present, else a minimal /dev/tcp client).
http_status() { # url
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null -m 3 -w '%{http_code}' "$1" || true
    return 0
  fi
  local rest=${1#http://} hostport path host port line
  hostport=${rest%%/*}; path=/${rest#*/}; host=${hostport%%:*}; port=${hostport##*:}
  exec 4<>"/dev/tcp/$host/$port" 2>/dev/null || { echo 000; return 0; }
  printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$path" "$hostport" >&4
  IFS= read -r -t 3 line <&4 || line=''
  exec 4>&-
  line=${line#HTTP/* }; echo "${line%% *}"
}

have_apt() { [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null 2>&1; }

apt_install() { # packages...
  have_apt || return 1
  info "installing $* with apt-get"
  local log="$MOPAO_LOG_DIR/apt.log"
  if ! DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q "$@" >"$log" 2>&1 9>&-; then
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -q >>"$log" 2>&1 9>&- || true
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q "$@" >>"$log" 2>&1 9>&- \
      || { tail -n 20 "$log" >&2; return 1; }
  fi
}

# shellcheck shell=bash
# ./mopao up / down for the whole platform (sourced by ./mopao, which has already started the infrastructure).
#
#   ./mopao up [--model PATH] [--no-seed] [--rebuild]   build what is missing, start every service (and the gpu-runtime
#                                                       worker when it exists), seed the demo, print the URL and users
#   ./mopao down                                        stop what ./mopao up started (then the infrastructure)
#
# Each service runs `java -jar <module>/target/quarkus-app/quarkus-run.jar`, logs to .mopao/logs/<svc>.log, PID in
# .mopao/run/<svc>.pid. Ready = GET /q/health/ready answers 200.

# name|module dir|port
PLATFORM_SERVICES=(
  "character-service|character-service|8081"
  "world-service|world-service|8082"
  "story-engine|story-engine|8083"
  "gpu-runtime|gpu-runtime/server|8084"
  "web|web|8080"
)
PLATFORM_URL="http://127.0.0.1:8080"

_platform_jar() { printf '%s/%s/target/quarkus-app/quarkus-run.jar' "$MOPAO_ROOT" "$1"; }

# Modules whose jar is missing or older than their sources (or the shared events and service-kit libraries).
_platform_stale() {
  local entry name dir port jar
  for entry in "${PLATFORM_SERVICES[@]}"; do
    IFS='|' read -r name dir port <<<"$entry"
    [[ -f "$MOPAO_ROOT/$dir/pom.xml" ]] || continue
    jar=$(_platform_jar "$dir")
    local deps=("$MOPAO_ROOT/events/src/main" "$MOPAO_ROOT/service-kit/src/main" "$MOPAO_ROOT/service-kit/pom.xml")
    [[ "$name" == gpu-runtime ]] && deps+=("$MOPAO_ROOT/gpu-runtime/engine/src/main")
    if [[ ! -f "$jar" ]] || [[ -n "$(find "$MOPAO_ROOT/$dir/src/main" "$MOPAO_ROOT/$dir/pom.xml" "${deps[@]}" \
        -newer "$jar" -type f -print -quit 2>/dev/null)" ]]; then
      printf '%s\n' "$dir"
    fi
  done
}

# Runs one quiet Maven package of the given modules with a spinner; returns Maven's status.
_platform_mvn_package() { # label modules...
  local label=$1; shift
  local list; list=$(IFS=,; echo "$*")
  local log="$MOPAO_LOG_DIR/build-$label.log" t0=$SECONDS
  info "building $* (./mvnw -DskipTests package; the first build takes a few minutes) ..."
  MAVEN_OPTS="${MAVEN_OPTS:---sun-misc-unsafe-memory-access=allow}" \
    "$MOPAO_ROOT/mvnw" -B -ntp -q -DskipTests -Dcheckstyle.skip package -pl "$list" -am >"$log" 2>&1 9>&- &
  local pid=$! spin='|/-\' i=0
  while kill -0 "$pid" 2>/dev/null; do
    [[ -t 2 ]] && printf '\r[mopao]   building %s ... %s %ds ' "$label" "${spin:i++%4:1}" $((SECONDS - t0)) >&2
    sleep 1
  done
  [[ -t 2 ]] && printf '\r\033[K' >&2
  if ! wait "$pid"; then
    tail -n 40 "$log" >&2
    warn "build of $* failed (full log: $log)"
    return 1
  fi
  ok "built $label in $((SECONDS - t0))s"
}

_platform_build() {
  local force=$1 modules=() services=() worker=()
  if [[ "$force" == 1 ]]; then
    local entry name dir port
    for entry in "${PLATFORM_SERVICES[@]}"; do
      IFS='|' read -r name dir port <<<"$entry"
      [[ -f "$MOPAO_ROOT/$dir/pom.xml" ]] && modules+=("$dir")
    done
  else
    mapfile -t modules < <(_platform_stale)
  fi
  ((${#modules[@]})) || { info "build: jars are up to date"; return 0; }
  local m
  for m in "${modules[@]}"; do
    if [[ "$m" == gpu-runtime/* ]]; then worker+=("$m"); else services+=("$m"); fi
  done
  if ((${#services[@]})); then _platform_mvn_package services "${services[@]}" || die "build failed"; fi
  # the worker builds on its own: when it fails the platform still starts, and says loudly that it runs without it
  if ((${#worker[@]})) && ! _platform_mvn_package worker "${worker[@]}"; then
    rm -f "$(_platform_jar gpu-runtime/server)"
    warn "the gpu-runtime worker did not build: starting without it (no chat replies)"
  fi
}

_platform_ready() { [[ "$(http_status "http://127.0.0.1:$1/q/health/ready")" == 200 ]]; }

_platform_start() { # name dir port [extra java args...]
  local name=$1 dir=$2 port=$3; shift 3
  local log="$MOPAO_LOG_DIR/$name.log" pid
  if pid=$(owned_pid "$name"); then
    info "$name already running (pid $pid)"
    return 0
  fi
  if port_open 127.0.0.1 "$port"; then
    if _platform_ready "$port"; then warn "$name: port $port is already served by a process ./mopao did not start; using it"; return 0; fi
    die "$name: port $port is taken by another process"
  fi
  # services: small heaps and C1 only (fast start on 2 cores); the worker passes its own options (C2 for the Vector API)
  local opts=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx384m)
  [[ "$name" == gpu-runtime ]] && opts=(-XX:+UseParallelGC "-Xmx${MOPAO_WORKER_HEAP:-2g}")
  spawn "$name" "$log" "$JAVA_HOME/bin/java" "-Dmopao.service=$MOPAO_STATE_DIR/$name" "${opts[@]}" \
    --enable-native-access=ALL-UNNAMED "$@" -jar "$(_platform_jar "$dir")"
  PLATFORM_STARTED+=("$name")
}

platform_up() {
  local model="" seed=1 rebuild=0
  while (($#)); do
    case "$1" in
      --model) [[ $# -ge 2 ]] || die "--model needs a path"; model=$2; shift 2 ;;
      --model=*) model=${1#--model=}; shift ;;
      --no-seed) seed=0; shift ;;
      --rebuild) rebuild=1; shift ;;
      -h|--help) echo "usage: ./mopao up [--model PATH] [--no-seed] [--rebuild]"; return 0 ;;
      *) die "unknown option '$1' (./mopao up [--model PATH] [--no-seed] [--rebuild])" ;;
    esac
  done
  use_java25
  ensure_state_dirs
  local t0=$SECONDS
  PLATFORM_STARTED=()

  local worker_jar; worker_jar=$(_platform_jar gpu-runtime/server)
  local model_file=""
  if [[ -n "$model" ]]; then
    model_file=$(model_resolve "$model") || die "no usable model"
  elif [[ -f "$MOPAO_ROOT/gpu-runtime/server/pom.xml" ]]; then
    model_file=$(model_resolve "") || die "no usable model"
  fi

  # the worker reads the model from MOPAO_MODEL_PATH (and -Dmopao.model.path)
  [[ -n "$model_file" ]] && export MOPAO_MODEL_PATH="$model_file"
  # story-engine counts prompt tokens with the served model's own tokenizer (read from the same GGUF, header only)
  [[ -n "$model_file" ]] && export MOPAO_STORY_TOKENIZER_MODEL="$model_file"
  # story-engine's prompt budget must fit the worker's context: tiny test models (stories260K: 512 tokens) get a
  # small budget, real models story-engine's defaults (8192, reply 512). Override with MOPAO_CONTEXT_TOKENS /
  # MOPAO_REPLY_TOKENS.
  local ctx=8192 reply=512
  if [[ "$(basename "${model_file:-x}")" == stories* ]]; then ctx=512 reply=128; fi
  ctx=${MOPAO_CONTEXT_TOKENS:-$ctx} reply=${MOPAO_REPLY_TOKENS:-$reply}
  export MOPAO_STORY_CONTEXT_TOKENS="$ctx" MOPAO_STORY_REPLY_TOKENS="$reply"
  [[ -n "$model_file" ]] && info "model $model_file: context $ctx tokens, replies up to $reply"

  # the services run their prod profile, which logs JSON lines for log collectors; on one machine people read the
  # logs in .mopao/logs, so text unless MOPAO_LOG_JSON=true
  export MOPAO_LOG_JSON="${MOPAO_LOG_JSON:-false}"

  _platform_build "$rebuild"

  local entry name dir port total=0 n=0
  for entry in "${PLATFORM_SERVICES[@]}"; do total=$((total + 1)); done
  for entry in "${PLATFORM_SERVICES[@]}"; do
    IFS='|' read -r name dir port <<<"$entry"
    n=$((n + 1))
    if [[ "$name" == gpu-runtime ]]; then
      if [[ -f "$worker_jar" ]]; then
        info "[$n/$total] starting gpu-runtime worker (:$port, model $model_file)"
        # story-engine asks for the model "default"; stories260K is the runtime's own configured name
        _platform_start "$name" "$dir" "$port" "--add-modules=jdk.incubator.vector" "-Dmopao.model.path=$model_file" \
          "-Dmopao.runtime.models-dir=$(dirname "$model_file")" "-Dmopao.runtime.models.default=$model_file" \
          "-Dmopao.runtime.models.stories260K=$model_file" "-Dmopao.runtime.engine.max-model-len=$ctx"
      else
        warn "[$n/$total] gpu-runtime worker NOT available yet ($worker_jar does not exist):"
        warn "      the platform starts without it, so chat replies will not be generated"
      fi
      continue
    fi
    if [[ ! -f "$(_platform_jar "$dir")" ]]; then
      warn "[$n/$total] $name: no jar ($(_platform_jar "$dir")), not started"
      continue
    fi
    info "[$n/$total] starting $name (:$port)"
    _platform_start "$name" "$dir" "$port"
  done

  # wait for every started service, showing which ones are still starting
  local pending=() pid
  for entry in "${PLATFORM_SERVICES[@]}"; do
    IFS='|' read -r name dir port <<<"$entry"
    if owned_pid "$name" >/dev/null; then pending+=("$entry"); fi
  done
  local deadline=$((SECONDS + ${MOPAO_UP_TIMEOUT:-300})) waiting
  while ((${#pending[@]})); do
    local still=()
    waiting=()
    for entry in "${pending[@]}"; do
      IFS='|' read -r name dir port <<<"$entry"
      if _platform_ready "$port"; then
        [[ -t 2 ]] && printf '\r\033[K' >&2
        ok "$name ready on :$port ($((SECONDS - t0))s)"
      elif ! pid=$(owned_pid "$name"); then
        [[ -t 2 ]] && printf '\r\033[K' >&2
        tail -n 30 "$MOPAO_LOG_DIR/$name.log" >&2
        die "$name exited during start-up (log: $MOPAO_LOG_DIR/$name.log); ./mopao down stops the rest"
      else
        still+=("$entry")
        waiting+=("$name")
      fi
    done
    pending=("${still[@]}")
    ((${#pending[@]})) || break
    if ((SECONDS > deadline)); then
      die "not ready after ${MOPAO_UP_TIMEOUT:-300}s: ${waiting[*]} (logs in $MOPAO_LOG_DIR); ./mopao down stops everything"
    fi
    [[ -t 2 ]] && printf '\r[mopao]   waiting for %s ... %ds ' "${waiting[*]}" $((SECONDS - t0)) >&2
    sleep 1
  done

  if ((seed)); then platform_seed || warn "demo seeding failed (see above); the platform is up anyway"; fi

  ok "Mopao is up in $((SECONDS - t0))s: open $PLATFORM_URL"
  cat >&2 <<USERS
[mopao] demo users (password = <name>-pw; local only):
[mopao]   alice / alice-pw   player
[mopao]   bob   / bob-pw     player, creator
[mopao]   carol / carol-pw   player, creator
[mopao]   mod   / mod-pw     player, moderator
[mopao]   admin / admin-pw   all roles
[mopao] logs: $MOPAO_LOG_DIR/<service>.log   stop: ./mopao down
USERS
  echo "$PLATFORM_URL"
}

# Stops every service this clone started, all at once (each gets TERM, then KILL after 30 s).
platform_down() {
  local entry name dir port pid stopping=()
  for entry in "${PLATFORM_SERVICES[@]}"; do
    IFS='|' read -r name dir port <<<"$entry"
    if pid=$(owned_pid "$name"); then
      info "stopping $name (pid $pid)"
      stop_pid "$name" "$pid" 30 &
      stopping+=($!)
    fi
  done
  ((${#stopping[@]})) || return 0
  wait "${stopping[@]}"
  ok "platform stopped"
}

# Stops the platform services only (the infrastructure stays up): used by web/e2e/run.sh when the infrastructure was
# already running before it.
cmd_platform_down() { platform_down; }

HELP_LINES+=("e2e [--model PATH]  browser test of the web app (web/e2e/run.sh; starts the platform when it is not up)")
cmd_e2e() { exec "$MOPAO_ROOT/web/e2e/run.sh" "$@"; }

# `./mopao test` runs this after Maven: the browser test on a freshly started platform (leftovers of an earlier run of
# this clone are stopped first; what it starts is stopped again). MOPAO_E2E_MODEL overrides the model.
platform_test() {
  "$MOPAO_ROOT/web/e2e/run.sh" --fresh --model "${MOPAO_E2E_MODEL:-$MOPAO_ROOT/../shared/models/stories260K.gguf}"
}

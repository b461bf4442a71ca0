#!/usr/bin/env bash
# Browser test of the web app (headless Debian chromium + Node playwright-core; no browser download).
#
#   web/e2e/run.sh [--model PATH] [--fresh]
#
# Default: uses the platform at $MOPAO_URL (default http://127.0.0.1:8080) when it already answers; otherwise starts it
# with `./mopao up --model PATH` (default ../shared/models/stories260K.gguf) and stops what it started afterwards.
# --fresh (what `./mopao test` runs): never reuses a running platform: stops the services this clone's ./mopao left
# running (an earlier, interrupted run), refuses ports 8080-8084 held by anything else, starts the platform on the
# running infrastructure, runs the players and always stops the services again.
# Screenshots: web/target/e2e/ (E2E_ARTIFACTS overrides; emptied at the start). MOPAO_E2E_WITHOUT_WORKER=1 skips the
# generation steps explicitly (only for machines without a gpu-runtime worker); the default is strict.
# MOPAO_E2E_TIMEOUT (seconds, default 900) bounds the scripted players.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
MODEL="$ROOT/../shared/models/stories260K.gguf"
FRESH=0
while (($#)); do
  case "$1" in
    --model) [[ $# -ge 2 ]] || { echo "--model needs a path" >&2; exit 2; }; MODEL=$2; shift 2 ;;
    --fresh) FRESH=1; shift ;;
    *) echo "usage: web/e2e/run.sh [--model PATH] [--fresh]" >&2; exit 2 ;;
  esac
done
URL="${MOPAO_URL:-http://127.0.0.1:8080}"
export E2E_ARTIFACTS="${E2E_ARTIFACTS:-$ROOT/web/target/e2e}"
say() { echo "[e2e] $*" >&2; }

# --- what the test needs ---------------------------------------------------------------------------
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM" ]]; then
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
    say "installing Debian chromium (once, ~90 s)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null \
      || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; }
  fi
  [[ -x "$CHROMIUM" ]] || { say "FAILED: chromium not found at $CHROMIUM: apt-get install -y chromium (or set CHROMIUM)"; exit 1; }
fi
export CHROMIUM
# Chinese pages need a CJK font in the screenshots (Debian chromium ships none)
if command -v fc-list >/dev/null && [[ -z "$(fc-list :lang=zh 2>/dev/null | head -n 1)" ]] && [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
  say "installing a CJK font (fonts-wqy-zenhei) for the Chinese screenshots"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-wqy-zenhei >/dev/null 2>&1 || say "warning: no CJK font; Chinese text shows as boxes in screenshots"
fi
# the player's message has an emoji: a colour emoji font for the screenshots
if command -v fc-list >/dev/null && ! fc-list 2>/dev/null | grep -qi emoji && [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
  say "installing an emoji font (fonts-noto-color-emoji) for the screenshots"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-noto-color-emoji >/dev/null 2>&1 || say "warning: no emoji font; emoji show as boxes in screenshots"
fi
command -v node >/dev/null && command -v npm >/dev/null \
  || { say "FAILED: Node.js 18+ and npm are needed (apt-get install -y nodejs npm)"; exit 1; }
if [[ ! -d "$HERE/node_modules/playwright-core" ]]; then
  say "installing playwright-core (npm, no browser download)"
  (cd "$HERE" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --silent) \
    || { say "FAILED: npm install playwright-core failed (network?)"; exit 1; }
fi
# chromium gets a throw-away home (profile, caches); ./mopao keeps the real one (its caches: Kafka, Keycloak, models)
TMPH="$(mktemp -d)"
rm -rf "$E2E_ARTIFACTS"
mkdir -p "$E2E_ARTIFACTS"
T0=$SECONDS

# --- the platform ----------------------------------------------------------------------------------
PORTS=(8080 8081 8082 8083 8084)
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
started_platform=0 started_infra=0
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  rm -rf "$TMPH"
  if ((started_platform)); then
    say "stopping what the test started"
    if ((started_infra)); then "$ROOT/mopao" down || { ((rc)) || rc=1; }
    else "$ROOT/mopao" platform_down || { ((rc)) || rc=1; }; fi
    local p left=()
    for p in "${PORTS[@]}"; do port_taken "$p" && left+=("$p"); done
    if ((${#left[@]})); then
      say "FAILED: ports ${left[*]} are still served after stopping the platform"
      ((rc != 0)) || rc=1
    fi
  fi
  say "finished in $((SECONDS - T0))s (exit $rc)"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ((FRESH)); then
  started_platform=1
  # services an earlier, interrupted run of this clone left running (PID files in .mopao/run)
  "$ROOT/mopao" platform_down
  busy=()
  for p in "${PORTS[@]}"; do port_taken "$p" && busy+=("$p"); done
  if ((${#busy[@]})); then
    say "FAILED: ports ${busy[*]} are in use by processes this clone's ./mopao did not start (another clone's"
    say "        platform? stop it there with ./mopao down, or find them with: ss -ltnp | grep -E ':808[0-4]')"
    started_platform=0
    exit 1
  fi
  port_taken 8180 || started_infra=1
  say "starting the platform: ./mopao up --model $MODEL"
  "$ROOT/mopao" up --model "$MODEL"
elif [[ "$(curl -s -o /dev/null -m 3 -w '%{http_code}' "$URL/q/health/ready" || true)" != 200 ]]; then
  port_taken 8180 || started_infra=1
  started_platform=1
  say "starting the platform: ./mopao up --model $MODEL"
  "$ROOT/mopao" up --model "$MODEL"
else
  say "using the running platform at $URL"
fi
say "platform ready after $((SECONDS - T0))s; running the scripted players"

cd "$HERE"
MOPAO_URL="$URL" HOME="$TMPH" XDG_CONFIG_HOME="$TMPH/.config" XDG_CACHE_HOME="$TMPH/.cache" \
  timeout -k 10 "${MOPAO_E2E_TIMEOUT:-900}" node play.mjs

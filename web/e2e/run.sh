#!/usr/bin/env bash
# Browser test of the web app (headless Debian chromium + Node playwright-core; no browser download).
#
#   web/e2e/run.sh [--model PATH]
#
# Uses the platform at $MOPAO_URL (default http://127.0.0.1:8080) when it already answers; otherwise starts it with
# `./mopao up --model PATH` (default ../shared/models/stories260K.gguf) and stops what it started afterwards.
# Screenshots: web/target/e2e/ (E2E_ARTIFACTS overrides). MOPAO_E2E_WITHOUT_WORKER=1 skips the generation steps
# explicitly (only while no gpu-runtime worker exists); the default is strict.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
MODEL="$ROOT/../shared/models/stories260K.gguf"
while (($#)); do
  case "$1" in
    --model) MODEL=$2; shift 2 ;;
    *) echo "usage: web/e2e/run.sh [--model PATH]" >&2; exit 2 ;;
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
command -v node >/dev/null && command -v npm >/dev/null \
  || { say "FAILED: Node.js 18+ and npm are needed (apt-get install -y nodejs npm)"; exit 1; }
if [[ ! -d "$HERE/node_modules/playwright-core" ]]; then
  say "installing playwright-core (npm, no browser download)"
  (cd "$HERE" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --silent) \
    || { say "FAILED: npm install playwright-core failed (network?)"; exit 1; }
fi
export HOME_ORIG="$HOME"
TMPH="$(mktemp -d)"
export HOME="$TMPH" XDG_CONFIG_HOME="$TMPH/.config" XDG_CACHE_HOME="$TMPH/.cache"

# --- the platform ----------------------------------------------------------------------------------
started_platform=0 started_infra=0
cleanup() {
  local rc=$?
  rm -rf "$TMPH"
  if ((started_platform)); then
    say "stopping what the test started"
    if ((started_infra)); then HOME="$HOME_ORIG" "$ROOT/mopao" down || true
    else HOME="$HOME_ORIG" "$ROOT/mopao" platform_down || true; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
if [[ "$(curl -s -o /dev/null -m 3 -w '%{http_code}' "$URL/q/health/ready" || true)" != 200 ]]; then
  (exec 3<>/dev/tcp/127.0.0.1/8180) 2>/dev/null || started_infra=1
  started_platform=1
  say "starting the platform: ./mopao up --model $MODEL"
  HOME="$HOME_ORIG" "$ROOT/mopao" up --model "$MODEL"
else
  say "using the running platform at $URL"
fi

cd "$HERE"
MOPAO_URL="$URL" node play.mjs

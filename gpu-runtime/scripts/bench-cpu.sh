#!/usr/bin/env bash
# CPU benchmark of the Mopao engine: prints a Markdown table of prompt-processing and generation speed at 1 and 2
# threads for stories260K and for a generated random-weight 134M-parameter Llama (dim 768, 12 layers, 12 heads,
# 12 KV heads, FFN 2048, vocab 32000, untied output) in F32, Q8_0, Q4_0, Q4_K and Q6_K (every 2-D tensor in that type,
# norms F32; --types picks a subset).
# The generated models go to a temporary directory that is removed at the end; nothing is written to the repo.
#
#   gpu-runtime/scripts/bench-cpu.sh [--threads "1 2"] [--types "F32 Q8_0 Q4_0 Q4_K Q6_K"] [--prompt-tokens 128]
#                                    [--gen-tokens 64] [--repeats 5]
#
# Environment: MOPAO_SHARED_DIR (folder holding models/stories260K.gguf; default ../shared next to the repo),
# JAVA_HOME (default temurin 25).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
engine="$repo/gpu-runtime/engine/bin/mopao-engine"
threads="1 2"
prompt_tokens=128
gen_tokens=64
repeats=5
types="F32 Q8_0 Q4_0 Q4_K Q6_K"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --types) types="$2"; shift 2 ;;
    --prompt-tokens) prompt_tokens="$2"; shift 2 ;;
    --gen-tokens) gen_tokens="$2"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
shared="${MOPAO_SHARED_DIR:-$repo/../shared}"
stories="$shared/models/stories260K.gguf"
[[ -f "$stories" ]] || { echo "missing $stories (set MOPAO_SHARED_DIR)" >&2; exit 1; }

if ! ls "$repo"/gpu-runtime/engine/target/mopao-engine-*.jar >/dev/null 2>&1; then
  (cd "$repo" && ./mvnw -q -pl gpu-runtime/engine -am package -DskipTests)
fi

tmp="$(mktemp -d -t mopao-bench.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
for type in $types; do
  "$engine" random-model --out "$tmp/llama134m-$type.gguf" --type "$type" --dim 768 --layers 12 --heads 12 --kv-heads 12 \
    --ffn 2048 --vocab 32000 >/dev/null
done

json_field() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p"; }

echo "## Machine"
echo
echo "- CPU: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs online; vector ISA: $(grep -o -w -m1 -e avx512f -e avx2 /proc/cpuinfo | sort -u | tr '\n' ' ')"
echo "- Java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)"
echo "- load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
for t in $threads; do
  echo "- memory bandwidth, $t thread(s): $("$engine" membw --threads "$t" 2>/dev/null)"
done
echo
echo "## Results (median of $repeats runs after one warm-up; prompt = $prompt_tokens tokens in one prefill, generation = $gen_tokens greedy tokens)"
echo
echo "| model | size | threads | prompt tok/s | generation tok/s |"
echo "|---|---|---|---|---|"
run() {
  local name="$1" file="$2" t="$3" size
  size="$(du -m "$file" | cut -f1) MB"
  local out
  out="$("$engine" bench --model "$file" --threads "$t" --prompt-tokens "$prompt_tokens" --gen-tokens "$gen_tokens" \
    --repeats "$repeats" --json 2>/dev/null)"
  echo "| $name | $size | $t | $(echo "$out" | json_field prompt_tokens_per_s) | $(echo "$out" | json_field gen_tokens_per_s) |"
}
for t in $threads; do
  run "stories260K (F32)" "$stories" "$t"
done
for type in $types; do
  for t in $threads; do
    run "llama 134M $type" "$tmp/llama134m-$type.gguf" "$t"
  done
done
echo
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"

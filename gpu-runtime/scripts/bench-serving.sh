#!/usr/bin/env bash
# Serving benchmarks of the engine (io.mopao.engine.serving): aggregate generation throughput at 1, 4 and 16
# concurrent sequences, and a multi-turn role-play replay (sessions sharing persona prefixes) with the prefix cache
# on and off. Prints the machine and Markdown tables; every number is measured by this run.
#
#   gpu-runtime/scripts/bench-serving.sh [ServingBench options, e.g. --sessions 32 --turns 6 --skip-throughput]
#
# Environment: THREADS (default 2), MODEL (default: a synthetic ~125M-parameter F32 llama, generated once under
# gpu-runtime/engine/target/bench/), MODEL_TYPE (F32 or Q8_0, used when generating), JAVA_HOME (JDK 25).
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
THREADS="${THREADS:-2}"
MODEL_TYPE="${MODEL_TYPE:-F32}"
MODEL="${MODEL:-gpu-runtime/engine/target/bench/m100-$(echo "$MODEL_TYPE" | tr 'A-Z' 'a-z').gguf}"

./mvnw -q -o -pl gpu-runtime/engine -am package -DskipTests 2>/dev/null || ./mvnw -q -pl gpu-runtime/engine -am package -DskipTests

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs online, benchmark threads: $THREADS"
echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (other processes share these cores when it is above ~0)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)"
echo
"$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector -Xmx8g -cp gpu-runtime/engine/target/classes \
    io.mopao.engine.serving.bench.ServingBench --model "$MODEL" --generate --type "$MODEL_TYPE" --threads "$THREADS" "$@" \
    2> >(grep -v -e '^WARNING' -e 'jdk.incubator.vector' >&2)
echo
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"

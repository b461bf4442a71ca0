#!/usr/bin/env bash
# Time to first token and per-chunk latency through Kafka against calling the engine in-process
# (io.mopao.runtime.bench.KafkaOverheadBenchmark): one stories260K engine, one WorkerPool on private topics of the local
# broker, 16 concurrent sessions per round, rounds alternating between the two paths. Prints the machine, the load
# average before and after, and the table; every number is measured by this run. One row per Kafka turn (wall-clock
# stamped, to line slow turns up with GC or broker logs) goes to gpu-runtime/server/target/kafka-overhead-turns.csv.
#
#   gpu-runtime/scripts/bench-kafka.sh [ROUNDS [SESSIONS [ENGINE_THREADS [COMPUTE_NICE [WARMUP_ROUNDS [WORKER_WARMUP]]]]]]
#   (defaults: 20 rounds, 16 sessions, 2 threads, nice 0, 10 warm-up rounds, 32 worker warm-up turns — COMPUTE_NICE is
#   mopao.runtime.engine.compute-nice; warm-up rounds run both paths and are dropped: the JVM compiles the Kafka
#   client, JSON and worker code over the first few hundred turns, see BENCHMARKS.md for the cold rounds;
#   WORKER_WARMUP is mopao.runtime.engine.warmup-turns, the synthetic turns a worker generates before it joins)
#
#   gpu-runtime/scripts/bench-kafka.sh --hop
#   (one Kafka hop without the engine, io.mopao.runtime.bench.KafkaHopBenchmark: the worker's producer settings to a
#   consumer's poll, idle and with 2 spinning threads — the floor under the two hops a Kafka turn pays)
#
# Needs the local broker (`./mopao infra up`), the shared models (MOPAO_SHARED_DIR, default ../shared) and the modules
# installed (`./mvnw -pl gpu-runtime/server -am install -DskipTests`). Run it on a quiet machine: on shared cores the
# broker, the worker's threads and the engine compete and the numbers measure the contention.
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
ROUNDS="${1:-20}"
SESSIONS="${2:-16}"
THREADS="${3:-2}"
NICE="${4:-0}"
WARMUP="${5:-10}"
WORKER_WARMUP="${6:-32}"

if [[ "${1:-}" == "--hop" ]]; then
  echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs online"
  echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)"
  rm -f gpu-runtime/server/target/kafka-hop.txt
  ./mvnw -B -ntp -o -q -pl gpu-runtime/server test-compile surefire:test -Dtest=KafkaHopBenchmark \
      -Dsurefire.failIfNoSpecifiedTests=false -Dmopao.bench=true >gpu-runtime/server/target/kafka-hop.log 2>&1 || {
    echo "benchmark failed; see gpu-runtime/server/target/kafka-hop.log" >&2
    exit 1
  }
  [[ -s gpu-runtime/server/target/kafka-hop.txt ]] || { echo "benchmark did not run; see gpu-runtime/server/target/kafka-hop.log" >&2; exit 1; }
  cat gpu-runtime/server/target/kafka-hop.txt
  exit 0
fi
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs online"
echo "engine threads: $THREADS, compute nice: $NICE, warm-up rounds (dropped): $WARMUP, worker warm-up turns: $WORKER_WARMUP"
echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)"
echo
rm -f gpu-runtime/server/target/kafka-overhead.txt
./mvnw -B -ntp -o -q -pl gpu-runtime/server test-compile surefire:test -Dtest=KafkaOverheadBenchmark \
    -Dsurefire.failIfNoSpecifiedTests=false -Dmopao.bench=true -Dmopao.bench.rounds="$ROUNDS" \
    -Dmopao.bench.sessions="$SESSIONS" -Dmopao.bench.engine-threads="$THREADS" -Dmopao.bench.compute-nice="$NICE" \
    -Dmopao.bench.warmup-rounds="$WARMUP" -Dmopao.bench.worker-warmup-turns="$WORKER_WARMUP" ${MOPAO_SHARED_DIR:+-Dmopao.shared.dir="$MOPAO_SHARED_DIR"} >gpu-runtime/server/target/kafka-overhead.log 2>&1 || {
  echo "benchmark failed; see gpu-runtime/server/target/kafka-overhead.log" >&2
  tail -n 40 gpu-runtime/server/target/kafka-overhead.log >&2
  exit 1
}
if [ ! -s gpu-runtime/server/target/kafka-overhead.txt ]; then
  echo "benchmark did not run (was it skipped?); see gpu-runtime/server/target/kafka-overhead.log" >&2
  exit 1
fi
cat gpu-runtime/server/target/kafka-overhead.txt
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# Timeline read benchmark: one player (alice) following 200 creators with 5 posts each, 50 concurrent readers of
# GET /api/timeline served from Redis. Loopback only, bounded in requests and time. Rerunnable: the seed is idempotent.
#
#   world-service/bench/timeline-bench.sh [readers=50] [requests=20000] [seconds=45]
#
# Needs ./mopao infra up. Starts its own world-service from world-service/target/quarkus-app (built if missing) on
# 127.0.0.1:${BENCH_PORT:-18082} against the local database mopao_world and Redis, and stops only that process at the end.
# Set WORLD_URL=http://127.0.0.1:8082 to measure an instance that is already running instead.
# BENCH_DB (database, default mopao_world) and BENCH_REDIS_DB (logical Redis database, default 0) keep a run away from the
# shared ones (the database must exist, owned by mopao_world); BENCH_JAVA_OPTS adds JVM options to the started service,
# e.g. BENCH_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/world.jfr,settings=profile' for a profile.
set -euo pipefail
cd "$(dirname "$0")/../.."
READERS=${1:-50}
REQUESTS=${2:-20000}
SECONDS_MAX=${3:-45}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
PORT=${BENCH_PORT:-18082}
DB=${BENCH_DB:-mopao_world}
REDIS_DB=${BENCH_REDIS_DB:-0}
BASE=${WORLD_URL:-http://127.0.0.1:$PORT}
STARTED_PID=""
cleanup() { if [[ -n "$STARTED_PID" ]]; then kill "$STARTED_PID" 2>/dev/null || true; wait "$STARTED_PID" 2>/dev/null || true; fi; }
trap cleanup EXIT

if ! curl -sf "$BASE/q/health/ready" >/dev/null 2>&1; then
  if [[ ! -f world-service/target/quarkus-app/quarkus-run.jar ]]; then
    echo "building world-service ..." >&2
    ./mvnw -q -o -pl world-service -am package -DskipTests
  fi
  mkdir -p .mopao/logs
  echo "starting world-service on $BASE (log .mopao/logs/world-service-bench.log) ..." >&2
  # shellcheck disable=SC2086 # BENCH_JAVA_OPTS is a list of options
  MOPAO_WORLD_HTTP_PORT=$PORT MOPAO_WORLD_GROUP=world-service-bench \
    MOPAO_DB_REACTIVE_URL=postgresql://127.0.0.1:5432/$DB MOPAO_DB_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/$DB \
    MOPAO_REDIS_URL=redis://127.0.0.1:6379/$REDIS_DB \
    "$JAVA" ${BENCH_JAVA_OPTS:-} -jar world-service/target/quarkus-app/quarkus-run.jar >.mopao/logs/world-service-bench.log 2>&1 &
  STARTED_PID=$!
  for _ in $(seq 1 400); do curl -sf "$BASE/q/health/ready" >/dev/null 2>&1 && break; sleep 1; done
  curl -sf "$BASE/q/health/ready" >/dev/null || { echo "world-service did not become ready" >&2; exit 1; }
fi

TOKEN=$(curl -sf -d grant_type=password -d client_id=mopao-web -d username=alice -d password=alice-pw \
  http://127.0.0.1:8180/realms/mopao/protocol/openid-connect/token | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
SUB=$(echo "$TOKEN" | cut -d. -f2 | tr '_-' '/+' | base64 -d 2>/dev/null | sed -E 's/.*"sub":"([^"]+)".*/\1/' || true)
[[ -n "$SUB" ]] || { echo "could not read alice's subject from the token" >&2; exit 1; }

echo "seeding: $SUB follows 200 creators with 5 posts each ..." >&2
PGPASSWORD=${MOPAO_DB_PASSWORD:-mopao_world} psql -q -h 127.0.0.1 -U mopao_world "$DB" -v ON_ERROR_STOP=1 -v sub="$SUB" <<'SQL'
INSERT INTO creator_profile (user_id, display_name, updated_at)
  SELECT 'bench-creator-' || c, 'Bench creator ' || c, now() FROM generate_series(1, 200) c ON CONFLICT DO NOTHING;
INSERT INTO follow (follower_id, followee_id)
  SELECT :'sub', 'bench-creator-' || c FROM generate_series(1, 200) c ON CONFLICT DO NOTHING;
INSERT INTO post (id, share_id, session_id, author_id, author_name, title, caption, world_id, character_ids, leaf_message_id,
                  content_rating, messages, message_count, shared_at, created_at)
  SELECT md5('bench-' || c || '-' || i)::uuid, 'bench-share-' || c || '-' || i, 'bench-session-' || c, 'bench-creator-' || c,
         'Bench creator ' || c, 'Bench story ' || c || '.' || i || ' 雾岛', 'caption', NULL, '["char-1"]', 'm2', 'general',
         '[{"id":"m1","role":"user","speakerName":"p","content":"Hello? 有人吗？"},{"id":"m2","role":"assistant","speakerName":"Lin","content":"Who goes there? The fog hears you."}]',
         2, now() - (c * 5 + i) * interval '1 minute', now() - (c * 5 + i) * interval '1 minute'
  FROM generate_series(1, 200) c, generate_series(1, 5) i ON CONFLICT DO NOTHING;
SQL
# posts were inserted behind the service's back: drop the cached timeline so the first read rebuilds it from PostgreSQL
redis-cli -h 127.0.0.1 -p 6379 -n "$REDIS_DB" DEL "mopao:world:tl:$SUB" "mopao:world:tl:$SUB:ok" >/dev/null 2>&1 || true

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs" >&2
"$JAVA" world-service/bench/TimelineBench.java "$BASE" "$TOKEN" "$READERS" "$REQUESTS" "$SECONDS_MAX" 500

#!/usr/bin/env bash
# Self-test of ./mopao infra (run by hand: infra/test-infra.sh). Needs ports 9092/9093/8180/9000 free
# or held by this clone's mopao. Checks: up (cold or warm), second up is a no-op, status, Keycloak
# tokens and roles, Kafka catalogue topics, PostgreSQL roles/databases, logs, down frees the ports
# and leaves no process behind. PostgreSQL/Redis already running are reused and must stay running.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
STATE="${MOPAO_STATE_DIR:-$ROOT/.mopao}"
KC=http://127.0.0.1:8180/realms/mopao/protocol/openid-connect/token
fails=0
pass() { printf '  ok   %s\n' "$*"; }
fail() { printf '  FAIL %s\n' "$*"; fails=$((fails + 1)); }
check() { local what=$1; shift; if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
jwt_claims() { cut -d. -f2 | tr '_-' '/+' | { read -r p; while ((${#p} % 4)); do p+='='; done; printf '%s' "$p"; } | base64 -d; }
token() { # user -> access token claims JSON
  curl -fsS -d grant_type=password -d client_id=mopao-web -d "username=$1" -d "password=$1-pw" "$KC" \
    | sed -E 's/.*"access_token":"([^"]+)".*/\1/' | jwt_claims
}

echo "== preconditions"
for p in 9092 9093 8180 9000; do
  if port_open $p; then
    ls "$STATE"/run/kafka.pid "$STATE"/run/keycloak.pid >/dev/null 2>&1 \
      || { echo "port $p is held by something this clone did not start; stop it first" >&2; exit 2; }
  fi
done
./mopao infra down >/dev/null 2>&1 || true
pg_before=down; (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null && pg_before=up
redis_before=down; (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && redis_before=up
echo "  postgres was $pg_before, redis was $redis_before before the test"

echo "== up"
t0=$SECONDS
./mopao infra up
echo "  (first up took $((SECONDS - t0))s)"
for p in 9092 9093 8180 9000 5432 6379; do check "port $p answers" port_open $p; done
check "kafka pid file" test -s "$STATE/run/kafka.pid"
check "keycloak pid file" test -s "$STATE/run/keycloak.pid"

echo "== second up is a no-op"
t0=$SECONDS
out=$(./mopao infra up 2>&1)
dt=$((SECONDS - t0))
echo "$out" | sed 's/^/    /'
check "second up reports nothing started" grep -q 'everything was already running' <<<"$out"
check "second up is quick (${dt}s < 30s)" test "$dt" -lt 30

echo "== status"
st=$(./mopao infra status)
echo "$st" | sed 's/^/    /'
check "status: kafka up, ours" grep -Eq '^kafka +.* up +mopao \(pid' <<<"$st"
check "status: keycloak up, ours" grep -Eq '^keycloak +.* up +mopao \(pid' <<<"$st"
[[ $pg_before == up ]] && check "status: postgres external" grep -Eq '^postgres +.* up +external' <<<"$st"
[[ $redis_before == up ]] && check "status: redis external" grep -Eq '^redis +.* up +external' <<<"$st"

echo "== keycloak"
alice=$(token alice || true)
check "alice gets a token via mopao-web" grep -q '"preferred_username":"alice"' <<<"$alice"
check "alice has realm role player" grep -Eq '"realm_access":\{"roles":\[[^]]*"player"' <<<"$alice"
check "alice is not creator" bash -c '! grep -q "\"creator\"" <<<"$1"' _ "$alice"
check "token aud includes mopao-service" grep -Eq '"aud":(\[[^]]*)?"mopao-service"' <<<"$alice"
check "iss is 127.0.0.1" grep -q '"iss":"http://127.0.0.1:8180/realms/mopao"' <<<"$alice"
bob=$(token bob || true)
check "bob is creator" grep -q '"creator"' <<<"$bob"
mod=$(token mod || true)
check "mod is moderator" grep -q '"moderator"' <<<"$mod"
adm=$(token admin || true)
for r in player creator moderator admin; do check "admin has $r" grep -q "\"$r\"" <<<"$adm"; done
carol=$(token carol || true)
check "carol is creator" grep -q '"creator"' <<<"$carol"
check "wrong password is refused" bash -c "! curl -fsS -d grant_type=password -d client_id=mopao-web -d username=alice -d password=nope $KC"
check "mopao-service client credentials" bash -c "curl -fsS -d grant_type=client_credentials -d client_id=mopao-service \
  -d client_secret=mopao-service-secret $KC | grep -q access_token"

echo "== kafka"
topics=$(./mopao infra topics 2>/dev/null || true)
echo "$topics" | sed 's/^/    /'
if [[ -f events/src/main/java/io/mopao/events/TopicCatalogue.java ]]; then
  check "catalogue topics exist (compacted characters)" grep -Eq '^mopao\.characters [0-9]+ compact' <<<"$topics"
fi

echo "== postgres"
for pair in mopao_character:mopao_character mopao_character:mopao_character_test mopao_world:mopao_world \
            mopao_world:mopao_world_test mopao_story:mopao_story mopao_story:mopao_story_test mopao_events:mopao_events_test; do
  role=${pair%%:*} db=${pair#*:}
  check "$role can use $db with pg_trgm" bash -c "PGPASSWORD=$role psql -w -h 127.0.0.1 -U $role -d $db -Atc \
    \"select similarity('mopao','mopao')\" | grep -q '^1$'"
done

echo "== logs"
check "infra logs kafka" bash -c './mopao infra logs kafka -n 5 | grep -q .'
check "infra logs keycloak" bash -c './mopao infra logs keycloak -n 5 | grep -q .'

echo "== down"
kpid=$(<"$STATE/run/kafka.pid"); kcpid=$(<"$STATE/run/keycloak.pid")
./mopao infra down
for p in 9092 9093 8180 9000; do check "port $p free" bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null"; done
check "kafka process gone" bash -c "! kill -0 $kpid 2>/dev/null"
check "keycloak process gone" bash -c "! kill -0 $kcpid 2>/dev/null"
check "no process of this clone's state dir left" bash -c "! pgrep -f -- '${STATE%/*}/[.]${STATE##*/}/' >/dev/null"
check "no pid files left" bash -c "! ls $STATE/run/*.pid 2>/dev/null | grep -q ."
[[ $pg_before == up ]] && check "pre-existing postgres still up" port_open 5432
[[ $redis_before == up ]] && check "pre-existing redis still up" port_open 6379
check "down twice is fine" ./mopao infra down

echo
if ((fails)); then echo "test-infra: $fails check(s) FAILED"; exit 1; fi
echo "test-infra: all checks passed"

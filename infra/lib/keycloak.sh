# shellcheck shell=bash
# Keycloak from the Maven Central distribution zip (org.keycloak:keycloak-quarkus-dist).
#
# Layout:
#   ~/.cache/mopao/keycloak-<v>/           unpacked + `kc.sh build`-optimised dist, shared by clones
#   .mopao/keycloak/dist/                  per-clone "home": copies of bin/ conf/ providers/ themes/,
#                                          lib/ (and bin/client) symlinked to the cache, and its own
#                                          data/ (data/h2 = the dev-file database, data/import = realm)
# Realm JSON changed since the last import -> data/h2 is dropped so the realm is imported afresh.

: "${MOPAO_KEYCLOAK_VERSION:=26.5.6}"
KEYCLOAK_PORT=8180
KEYCLOAK_MGMT_PORT=9000
KEYCLOAK_URL="http://127.0.0.1:$KEYCLOAK_PORT"
KEYCLOAK_BUILD_OPTS=(--db=dev-file --health-enabled=true)
KEYCLOAK_REALM_FILE="$MOPAO_ROOT/infra/keycloak/mopao-realm.json"

keycloak_cache_home() { printf '%s/keycloak-%s' "$MOPAO_CACHE_DIR" "$MOPAO_KEYCLOAK_VERSION"; }
keycloak_home() { printf '%s/keycloak/dist' "$MOPAO_STATE_DIR"; }

keycloak_ensure_dist() {
  local home tmp; home=$(keycloak_cache_home)
  if [[ ! -f "$home/.unpacked" ]]; then
    info "keycloak: fetching keycloak-quarkus-dist:$MOPAO_KEYCLOAK_VERSION:zip from Maven Central (~160 MB)"
    tmp="$home.tmp.$$"
    rm -rf "$tmp"
    mvnw_quiet -q -f "$MOPAO_ROOT/infra/kafka/pom.xml" dependency:unpack \
      -Dartifact="org.keycloak:keycloak-quarkus-dist:$MOPAO_KEYCLOAK_VERSION:zip" -DoutputDirectory="$tmp" \
      -DmarkersDirectory="$tmp/.markers" -Dmdep.overWriteReleases=true
    [[ -d "$tmp/keycloak-$MOPAO_KEYCLOAK_VERSION/lib" ]] || die "keycloak: unexpected zip layout in $tmp"
    rm -rf "$home"
    mv "$tmp/keycloak-$MOPAO_KEYCLOAK_VERSION" "$home"
    rm -rf "$tmp"
    chmod +x "$home"/bin/*.sh
    touch "$home/.unpacked"
  fi
  local want="${KEYCLOAK_BUILD_OPTS[*]}"
  if [[ ! -f "$home/.mopao-built" || "$(<"$home/.mopao-built")" != "$want" ]]; then
    info "keycloak: optimising the distribution once (kc.sh build $want), ~1 min"
    if ! (cd "$home" && JAVA_OPTS_KC_HEAP="-Xms64m -Xmx512m" bin/kc.sh build "${KEYCLOAK_BUILD_OPTS[@]}") \
         >"$MOPAO_LOG_DIR/keycloak-build.log" 2>&1 9>&-; then
      tail -n 30 "$MOPAO_LOG_DIR/keycloak-build.log" >&2
      die "keycloak: kc.sh build failed (log $MOPAO_LOG_DIR/keycloak-build.log)"
    fi
    printf '%s' "$want" >"$home/.mopao-built"
  fi
}

# (Re)create the per-clone home: cheap copies + symlinks; data/ is kept.
keycloak_prepare_home() {
  local cache kc e name; cache=$(keycloak_cache_home); kc=$(keycloak_home)
  mkdir -p "$kc"
  for e in "$cache"/* ; do
    name=${e##*/}
    case "$name" in
      data) ;;
      lib) ln -sfn "$e" "$kc/lib" ;;
      bin)
        rm -rf "${kc:?}/bin"; mkdir -p "$kc/bin"
        for f in "$e"/*; do
          if [[ -d "$f" ]]; then ln -sfn "$f" "$kc/bin/${f##*/}"; else cp -p "$f" "$kc/bin/"; fi
        done ;;
      *) rm -rf "${kc:?}/$name"; cp -a "$e" "$kc/$name" ;;
    esac
  done
  mkdir -p "$kc/data/import"
  local sum old=''
  sum=$(sha256sum "$KEYCLOAK_REALM_FILE" | cut -d' ' -f1)
  [[ -f "$kc/data/realm.sha256" ]] && old=$(<"$kc/data/realm.sha256")
  if [[ "$sum" != "$old" ]]; then
    if [[ -d "$kc/data/h2" ]]; then
      info "keycloak: infra/keycloak/mopao-realm.json changed, dropping the local Keycloak database to re-import it"
    fi
    rm -rf "$kc/data/h2"
    cp "$KEYCLOAK_REALM_FILE" "$kc/data/import/mopao-realm.json"
    printf '%s' "$sum" >"$kc/data/realm.sha256"
  fi
}

keycloak_ready() {
  [[ "$(http_status "http://127.0.0.1:$KEYCLOAK_MGMT_PORT/health/ready")" == 200 ]] \
    && [[ "$(http_status "$KEYCLOAK_URL/realms/mopao/.well-known/openid-configuration")" == 200 ]]
}

keycloak_start() {
  if owned_pid keycloak >/dev/null; then info "keycloak: already running (started by mopao, pid $(owned_pid keycloak))"; return 0; fi
  if port_open 127.0.0.1 "$KEYCLOAK_PORT"; then info "keycloak: 127.0.0.1:$KEYCLOAK_PORT already answers, reusing it"; return 0; fi
  port_open 127.0.0.1 "$KEYCLOAK_MGMT_PORT" && die "keycloak: management port $KEYCLOAK_MGMT_PORT is taken by something else"
  keycloak_ensure_dist
  keycloak_prepare_home
  info "keycloak: starting on $KEYCLOAK_URL (log $MOPAO_LOG_DIR/keycloak.log)"
  spawn keycloak "$MOPAO_LOG_DIR/keycloak.log" env \
    JAVA_HOME="$JAVA_HOME" \
    JAVA_OPTS_KC_HEAP="-Xms64m -Xmx768m" \
    JAVA_OPTS_APPEND="--add-opens=java.base/java.lang=ALL-UNNAMED" \
    KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
    "$(keycloak_home)/bin/kc.sh" start --optimized \
      --http-enabled=true --http-host=127.0.0.1 --http-port="$KEYCLOAK_PORT" \
      --http-management-port="$KEYCLOAK_MGMT_PORT" \
      --hostname-strict=false --cache=local --import-realm
  MOPAO_STARTED+=(keycloak)
}

keycloak_wait() {
  local pid=''; pid=$(owned_pid keycloak) || true
  [[ -z "$pid" ]] && return 0
  keycloak_ready && return 0
  wait_until keycloak 240 "$pid" "$MOPAO_LOG_DIR/keycloak.log" keycloak_ready
  ok "keycloak: ready on $KEYCLOAK_URL (realm mopao; admin console admin/admin)"
}

keycloak_stop() {
  local pid
  pid=$(owned_pid keycloak) || { info "keycloak: not started by mopao here, leaving it alone"; return 0; }
  info "keycloak: stopping (pid $pid)"
  stop_pid keycloak "$pid" 60
  wait_port_free "$KEYCLOAK_PORT" 10 || warn "keycloak: port $KEYCLOAK_PORT still in use"
  wait_port_free "$KEYCLOAK_MGMT_PORT" 10 || warn "keycloak: port $KEYCLOAK_MGMT_PORT still in use"
}

keycloak_status() {
  local pid owner state=down
  port_open 127.0.0.1 "$KEYCLOAK_PORT" && state=up
  if pid=$(owned_pid keycloak); then owner="mopao (pid $pid)"; elif [[ $state == up ]]; then owner=external; else owner=-; fi
  status_row keycloak "$KEYCLOAK_URL (mgmt $KEYCLOAK_MGMT_PORT)" "$state" "$owner" "$MOPAO_LOG_DIR/keycloak.log"
}

keycloak_reset() {
  rm -rf "$(keycloak_home)/data"
  info "keycloak: local database removed (the realm is re-imported on next up)"
}

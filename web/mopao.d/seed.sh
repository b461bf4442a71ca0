# shellcheck shell=bash
# Demo content for ./mopao up: one world and a few original characters, created through the services' REST APIs with
# the demo users' tokens (password grant on the public client mopao-web). Idempotent: what exists is kept.

_seed_kc="${MOPAO_OIDC_URL:-http://127.0.0.1:8180/realms/mopao}"
_seed_chars="${MOPAO_CHARACTER_URL:-http://127.0.0.1:8081}/characters"
_seed_worlds="${MOPAO_WORLD_URL:-http://127.0.0.1:8082}/api/worlds"

_seed_token() { # user
  curl -sf -m 20 -d grant_type=password -d client_id=mopao-web -d "username=$1" -d "password=$1-pw" -d scope=openid \
    "$_seed_kc/protocol/openid-connect/token" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'
}

_seed_id() { grep -o '"id":"[0-9a-f-]\{36\}"' | head -n 1 | cut -d'"' -f4; }

# Prints the id of the user's character with that name, creating it from the JSON body when missing.
_seed_character() { # token name json
  local token=$1 name=$2 body=$3 found
  found=$(curl -sf -m 20 -G -H "Authorization: Bearer $token" --data-urlencode "q=$name" --data-urlencode mine=true "$_seed_chars" \
    | grep -o "\"id\":\"[0-9a-f-]\{36\}\",\"version\":[0-9]*,\"name\":\"$name\"" | head -n 1 | cut -d'"' -f4) || true
  if [[ -n "$found" ]]; then printf '%s' "$found"; return 0; fi
  curl -sf -m 20 -H "Authorization: Bearer $token" -H 'Content-Type: application/json' --data-binary "$body" "$_seed_chars" | _seed_id
}

platform_seed() {
  command -v curl >/dev/null 2>&1 || { warn "curl missing: demo content not seeded"; return 1; }
  info "seeding the demo world and characters"
  local bob carol lin mara pip world
  bob=$(_seed_token bob); carol=$(_seed_token carol)
  [[ -n "$bob" && -n "$carol" ]] || { warn "could not get demo users' tokens from Keycloak"; return 1; }

  lin=$(_seed_character "$bob" "Lin Xiao" '{"name":"Lin Xiao","nickname":"林晓",
    "description":"Lin Xiao keeps the Cloud Harbor tea house, a lantern-lit room on a pier that floats above a sea of clouds. She speaks Chinese and English, remembers every regular, and collects rumours the way other people collect stamps.",
    "personality":"warm, curious, teasing, quietly brave",
    "scenario":"A rainy evening in Cloud Harbor. The last airship has just docked, and a stranger walks into the tea house.",
    "firstMessage":"欢迎光临云港茶馆！Welcome in — shake the rain off. Jasmine or oolong? And what brings you to the harbour on a night like this?",
    "exampleMessages":"<START>\n{{user}}: Any news today?\n{{char}}: *leans over the counter* The pilots say a lighthouse lit itself last night. Nobody has lived there for thirty years.",
    "tags":["cozy","mystery","中文","bilingual"],"creator":"bob","visibility":"public","contentRating":"general"}')
  mara=$(_seed_character "$bob" "Captain Mara Vell" '{"name":"Captain Mara Vell",
    "description":"Captain of the airship Dandelion, a patched-up cargo ship that runs the cloud routes between floating islands. Sharp-tongued, fair, and always short of money.",
    "personality":"blunt, loyal, reckless when someone she cares about is in danger",
    "scenario":"The Dandelion needs one more crew member before it can leave Cloud Harbor at dawn.",
    "firstMessage":"You. Yes, you with the lost look. Can you read a wind chart? I leave at dawn and I am one pair of hands short.",
    "tags":["adventure","airship"],"creator":"bob","visibility":"public","contentRating":"general"}')
  pip=$(_seed_character "$carol" "Pip" '{"name":"Pip","nickname":"小铃",
    "description":"A clockwork messenger bird who carries letters between the islands. Pip is small, proud of its brass feathers, and terrible at keeping secrets.",
    "personality":"chatty, dramatic, kind",
    "scenario":"Pip lands on your windowsill with a letter that is not addressed to you.",
    "firstMessage":"*tick-tick* Delivery! Well — almost. The name on this letter is smudged and I *may* have read it. 我可没偷看！Just a little. Want to know what it says? 🐦✉️",
    "tags":["cute","mystery","中文"],"creator":"carol","visibility":"public","contentRating":"general"}')
  [[ -n "$lin" && -n "$mara" && -n "$pip" ]] || { warn "could not create the demo characters"; return 1; }

  world=$(curl -sf -m 20 -H "Authorization: Bearer $bob" "$_seed_worlds/mine" | grep -o '"id":"[0-9a-f-]\{36\}"[^}]*"title":"Cloud Harbor' \
    | head -n 1 | cut -d'"' -f4) || true
  if [[ -z "$world" ]]; then
    world=$(curl -sf -m 20 -H "Authorization: Bearer $bob" -H 'Content-Type: application/json' "$_seed_worlds" --data-binary '{
      "title":"Cloud Harbor 云港",
      "setting":"A harbour town built on piers above an endless sea of clouds. Airships bring tea, letters and strangers; lighthouses guide them through the fog. 云海之上的港口小镇。",
      "rules":"No magic, only clockwork and wind. The clouds below are never crossed on foot.",
      "tone":"cozy mystery","contentRating":"general","visibility":"public",
      "locations":[{"name":"Tea house","description":"Lin Xiao'"'"'s lantern-lit tea house on the east pier"},
                   {"name":"Old lighthouse","description":"Abandoned for thirty years, lit again last night"}],
      "castCharacterIds":["'"$lin"'","'"$mara"'","'"$pip"'"],
      "openingScenes":[{"id":"rain","title":"A rainy arrival","text":"Rain drums on the pier as the last airship docks.","locationName":"Tea house"}],
      "tags":["cozy","mystery","bilingual"]}' | _seed_id) || true
  fi
  [[ -n "$world" ]] || { warn "could not create the demo world"; return 1; }
  ok "demo: world Cloud Harbor ($world), characters Lin Xiao, Captain Mara Vell, Pip"
}

# shellcheck shell=bash
# Model resolution and download for ./mopao up (sourced by ./mopao; also sourced alone by the web module's tests).
#
# model_resolve [PATH]  prints the model file to use: PATH if given (must exist), else $MOPAO_MODEL, else the
#                       pinned default in the cache (downloaded once, with a progress bar, checked by SHA-256).
# model_download URL SHA256 DEST  downloads URL to DEST (via DEST.part), checks the SHA-256, never leaves a bad file.

# The default model: a small multilingual (Chinese + English) instruct model the engine can run: Qwen2.5-0.5B-Instruct,
# Q8_0 (Qwen2 family, 531 MB), pinned to one commit of the hub repository and to the SHA-256 of that exact file (as the
# hub lists it under "Git LFS Details" on the file's page at that commit:
# https://huggingface.co/QuantFactory/Qwen2.5-0.5B-Instruct-GGUF/blob/42924aee932f4512df485de35b83e826b2e718d8/Qwen2.5-0.5B-Instruct.Q8_0.gguf).
: "${MOPAO_DEFAULT_MODEL_URL:=https://huggingface.co/QuantFactory/Qwen2.5-0.5B-Instruct-GGUF/resolve/42924aee932f4512df485de35b83e826b2e718d8/Qwen2.5-0.5B-Instruct.Q8_0.gguf}"
# SHA-256 of that file. A default without a pin is refused, never downloaded unchecked.
: "${MOPAO_DEFAULT_MODEL_SHA256:=37d9929478ae8f6937fb79f3a5a6e813f157f7a0ee7d58797b58314d208e8ce7}"

_model_say() { if declare -F info >/dev/null; then info "$*"; else echo "[mopao] $*" >&2; fi; }
_model_fail() { if declare -F warn >/dev/null; then warn "$*"; else echo "[mopao] error: $*" >&2; fi; return 1; }

_sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

model_download() { # url sha256 dest
  local url=$1 want=${2,,} dest=$3 part="$3.part" got rc=0
  command -v curl >/dev/null 2>&1 || { _model_fail "curl is needed to download the model; or pass --model PATH"; return 1; }
  mkdir -p "$(dirname "$dest")"
  _model_say "downloading the model $url"
  _model_say "  -> $dest (resumable; Ctrl-C and run again to continue)"
  local progress=(--progress-bar)
  [[ -t 2 ]] || progress=(-sS)
  curl -fL --retry 2 --connect-timeout 10 -C - "${progress[@]}" -o "$part" "$url" || rc=$?
  if ((rc == 33 || rc == 36)); then # the server cannot resume: start over
    rm -f "$part"; rc=0
    curl -fL --retry 2 --connect-timeout 10 "${progress[@]}" -o "$part" "$url" || rc=$?
  fi
  if ((rc != 0)); then
    case $rc in
      5|6|7|28|35) _model_fail "cannot reach $url (network unreachable, curl exit $rc).
  Pass a local model instead:  ./mopao up --model /path/to/model.gguf
  (e.g. ./mopao up --model ../shared/models/stories260K.gguf), or set MOPAO_MODEL." ;;
      22) _model_fail "the server refused the model download ($url, HTTP error). Pass --model PATH instead." ;;
      *) _model_fail "model download failed (curl exit $rc). Run again to resume, or pass --model PATH." ;;
    esac
    return 1
  fi
  got=$(_sha256 "$part")
  if [[ "$got" != "$want" ]]; then
    rm -f "$part"
    _model_fail "the downloaded model's SHA-256 is $got, expected $want: deleted it. Run again, or pass --model PATH."
    return 1
  fi
  mv -f "$part" "$dest"
  _model_say "model ready: $dest (sha256 ok)"
}

model_resolve() { # [path]
  local given=${1:-${MOPAO_MODEL:-}}
  if [[ -n "$given" ]]; then
    if [[ ! -f "$given" ]]; then _model_fail "model file not found: $given"; return 1; fi
    (cd "$(dirname "$given")" && printf '%s/%s\n' "$(pwd)" "$(basename "$given")")
    return 0
  fi
  local dir="${MOPAO_CACHE_DIR:-$HOME/.cache/mopao}/models" file
  file="$dir/$(basename "${MOPAO_DEFAULT_MODEL_URL%%\?*}")"
  if [[ -f "$file" ]]; then printf '%s\n' "$file"; return 0; fi
  if [[ ! "$MOPAO_DEFAULT_MODEL_SHA256" =~ ^[0-9a-fA-F]{64}$ ]]; then
    _model_fail "no model given and the default model's SHA-256 is not pinned (MOPAO_DEFAULT_MODEL_SHA256 must be 64 hex digits).
  Pass a local model:  ./mopao up --model /path/to/model.gguf  (e.g. ../shared/models/stories260K.gguf)"
    return 1
  fi
  model_download "$MOPAO_DEFAULT_MODEL_URL" "$MOPAO_DEFAULT_MODEL_SHA256" "$file" || return 1
  printf '%s\n' "$file"
}

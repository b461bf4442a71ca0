#!/usr/bin/env bash
# Runs on the GPU machine from the staged folder (see device-check.sh): unpacks the jlinked JDK, finds the CUDA
# libraries, runs the GPU test suite and the GPU benchmark, and prints one Markdown table.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="${TMPDIR:-/tmp}/mopao-device-check"
mkdir -p "$work"
tar -C "$work" -xzf "$here/jre.tgz"
java="$work/jre/bin/java"
# the CUDA 13 runtime, NVRTC and cuBLAS: the toolkit's lib64 or the pip nvidia-* wheels
libdirs=""
for lib in libcudart.so.13 libnvrtc.so.13 libcublas.so.13 libcublasLt.so.13; do
  found="$(ldconfig -p 2>/dev/null | awk -v l="$lib" '$1 == l {print $NF; exit}')"
  [[ -n "$found" ]] || found="$(find /usr/local /usr/lib /opt -xdev -name "$lib*" 2>/dev/null | head -1)"
  if [[ -z "$found" ]]; then
    echo "missing $lib: install the CUDA 13 runtime, NVRTC and cuBLAS libraries" >&2
  else
    libdirs="$libdirs:$(dirname "$found")"
  fi
done
export LD_LIBRARY_PATH="${libdirs#:}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export MOPAO_SHARED_DIR="$here"
export CI=true
card="$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)"
jvm=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx48g)
cp="$(ls "$here"/lib/*.jar | tr '\n' ':')"
cd "$work"
"$java" "${jvm[@]}" -cp "$cp" io.mopao.cuda.bench.Probe
probe_rc=$?
"$java" "${jvm[@]}" -jar "$here"/tools/junit-platform-console-standalone-*.jar execute --class-path "$cp" \
  --select-package io.mopao.cuda --details=tree --disable-banner --disable-ansi-colors --fail-if-no-tests --reports-dir "$work/reports" > "$work/tests.txt" 2>&1
tests_rc=$?
"$java" "${jvm[@]}" -cp "$cp" io.mopao.cuda.bench.CudaBench "$work" > "$work/bench.txt" 2> "$work/bench.err"
bench_rc=$?
count() { grep -E "^\[ +[0-9]+ $1 +\]" "$work/tests.txt" | grep -oE '[0-9]+' | head -1; }
# per GPU test class, from the launcher's XML report: testcases, passed, failed, skipped (aborted)
per_class() {
  awk -v c="classname=\"io.mopao.cuda.gpu.$1\"" '
    /<testcase / { cur = index($0, c) > 0; if (cur) t++ }
    cur && /<skipped/ { s++ }
    cur && /<(failure|error)/ { f++ }
    END { printf "%d tests: %d passed, %d failed, %d skipped", t, t - s - f, f, s }' "$work"/reports/TEST-junit-jupiter.xml 2>/dev/null
}
{
  echo "| check | result | unit |"
  echo "| --- | --- | --- |"
  echo "| date | $(date -u +%Y-%m-%dT%H:%M:%SZ) | |"
  echo "| nvidia-smi | ${card:-not available} | |"
  echo "| tests successful | $(count 'tests successful') | |"
  echo "| tests failed | $(count 'tests failed') | |"
  echo "| tests skipped | $(count 'tests skipped') | |"
  echo "| tests aborted (GPU tests without a usable device) | $(count 'tests aborted') | |"
  echo "| tests exit code | $tests_rc | |"
  echo "| GPU kernel parity (KernelParityGpuTest) | $(per_class KernelParityGpuTest) | |"
  echo "| GPU runner parity, CudaModelRunner vs CPU ModelRunner (RunnerParityGpuTest) | $(per_class RunnerParityGpuTest) | |"
  echo "| GPU serving Engine parity, CUDA runner vs CPU runner (EngineParityGpuTest) | $(per_class EngineParityGpuTest) | |"
  grep '^| ' "$work/bench.txt"
  echo "| benchmark exit code | $bench_rc | |"
} > "$work/table.md"
cat "$work/table.md"
if [[ -n "${OUT:-}" ]]; then
  cp "$work/table.md" "$OUT/device-check.md"
  cp "$work/tests.txt" "$OUT/tests.txt"
  cat "$work/bench.txt" "$work/bench.err" > "$OUT/bench.txt"
fi
# on a GPU machine nothing may be skipped: every parity test must have run
if [[ $probe_rc -eq 0 && "$(count 'tests aborted')" != 0 ]]; then
  echo "GPU tests were skipped on a machine with a usable device" >&2
  exit 1
fi
[[ $tests_rc -eq 0 && $bench_rc -eq 0 ]]

#!/usr/bin/env bash
# GPU device check of the CUDA backend (gpu-runtime/cuda).
#
# Here (a build machine with JDK 25 and Maven access):
#   gpu-runtime/scripts/device-check.sh stage      builds the module, jlinks a JDK 25 runtime and stages everything a
#                                                  bare GPU machine without internet needs into
#                                                  gpu-runtime/cuda/target/device-check/ (prints its size; must stay
#                                                  under the 64 MiB that travels to a lent GPU machine)
# There (the GPU machine; the staged folder carried along, e.g. the device tool's `carry`):
#   gpu-runtime/cuda/target/device-check/run.sh    runs the GPU test suite (JUnit console launcher) and the GPU
#                                                  benchmark and prints one Markdown table; also writes it to
#                                                  $OUT/device-check.md when $OUT is set
#
# The GPU machine must have an NVIDIA driver and the CUDA 13 runtime, NVRTC and cuBLAS libraries (libcudart.so.13,
# libnvrtc.so.13, libcublas.so.13): run.sh looks for them in the usual places (/usr/local/cuda*/lib64, the pip
# nvidia-* wheels) and says which is missing. The JavaCPP jars carry only the JNI glue (linux-x86_64).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cmd="${1:-stage}"
[[ "$cmd" == stage ]] || { echo "usage: $0 stage" >&2; exit 2; }
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
stage="$repo/gpu-runtime/cuda/target/device-check"
shared="${MOPAO_SHARED_DIR:-$repo/../shared}"
# MVN_OFFLINE: Maven offline flag (default -o; set it empty to let Maven download, e.g. the console launcher once)
offline="${MVN_OFFLINE--o}"

cd "$repo"
if [[ -z "${SKIP_BUILD:-}" ]]; then
  echo "building mopao-engine and mopao-cuda (tests compiled, not run)..." >&2
  ./mvnw -q $offline -pl gpu-runtime/cuda -am package -DskipTests
fi
rm -rf "$stage"
mkdir -p "$stage/lib" "$stage/models"
./mvnw -q $offline -pl gpu-runtime/cuda dependency:copy-dependencies -DincludeScope=test -DoutputDirectory="$stage/lib" \
  -DexcludeArtifactIds=apiguardian-api,opentest4j
# this tree's jars, not whatever snapshot the local repository holds
cp gpu-runtime/engine/target/mopao-engine-*.jar gpu-runtime/cuda/target/mopao-cuda-*.jar "$stage/lib/"
(cd gpu-runtime/cuda/target/test-classes && "$JAVA_HOME/bin/jar" --create --file "$stage/lib/mopao-cuda-tests.jar" .)
# the console launcher of the same JUnit platform version as the test jars
platform="$(ls "$stage/lib" | sed -n 's/^junit-platform-engine-\(.*\)\.jar$/\1/p')"
[[ -n "$platform" ]] || { echo "no junit-platform-engine jar among the test dependencies" >&2; exit 1; }
./mvnw -q $offline dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$platform" \
  -DoutputDirectory="$stage/tools"
# the standalone launcher brings the JUnit jars itself
rm -f "$stage"/lib/junit-*.jar
cp "$shared/models/stories260K.gguf" "$stage/models/"
echo "jlinking a JDK 25 runtime..." >&2
"$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,jdk.incubator.vector,jdk.unsupported,java.xml,java.management,jdk.zipfs \
  --compress=zip-9 --strip-debug --no-header-files --no-man-pages --output "$stage/jre.tmp"
tar -C "$stage" -czf "$stage/jre.tgz" --transform 's/^jre.tmp/jre/' jre.tmp
rm -rf "$stage/jre.tmp"
cp gpu-runtime/scripts/device-check-run.sh "$stage/run.sh"
chmod +x "$stage/run.sh"
du -sh "$stage"/* >&2
size=$(du -sb "$stage" | cut -f1)
echo "staged $stage: $((size / 1024 / 1024)) MiB (limit 64 MiB, with the rest of the working tree)" >&2
if (( size > 60 * 1024 * 1024 )); then
  echo "the staged folder is too large to travel to a GPU machine" >&2
  exit 1
fi

# gpu-runtime (Quarkus, JVM mode) on the NVIDIA CUDA runtime: the CUDA backend loads the CUDA runtime and cuBLAS
# from this image; the node provides the driver (NVIDIA container toolkit / GPU operator).
# Build the module first (./mvnw -q -pl gpu-runtime/server -am package -DskipTests), then from the repository root:
#   docker build -f k8s/images/gpu-runtime.Dockerfile --build-arg MODULE=gpu-runtime/server -t <registry>/mopao/gpu-runtime:<version> .
FROM eclipse-temurin:25-jre-noble AS jre

FROM nvidia/cuda:12.8.1-runtime-ubuntu24.04
ARG MODULE
ENV JAVA_HOME=/opt/java/openjdk
ENV PATH="${JAVA_HOME}/bin:${PATH}"
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
RUN groupadd --system --gid 185 mopao && useradd --system --uid 185 --gid 185 --home-dir /deployments mopao \
    && mkdir -p /deployments /models && chown 185:185 /deployments

COPY --chown=185:185 ${MODULE}/target/quarkus-app/lib/ /deployments/lib/
COPY --chown=185:185 ${MODULE}/target/quarkus-app/*.jar /deployments/
COPY --chown=185:185 ${MODULE}/target/quarkus-app/app/ /deployments/app/
COPY --chown=185:185 ${MODULE}/target/quarkus-app/quarkus/ /deployments/quarkus/

USER 185
WORKDIR /deployments
# the engine uses the Vector API (CPU backend) and native access (CUDA through the FFM API)
ENV JAVA_OPTS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp \
  --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -Djava.util.logging.manager=org.jboss.logmanager.LogManager"
EXPOSE 8084
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS $JAVA_OPTS_APPEND -jar /deployments/quarkus-run.jar"]

# A Mopao Quarkus service in JVM mode (character-service, world-service, story-engine, web).
# Build the module first (./mvnw -q -pl <module> -am package -DskipTests), then from the repository root:
#   docker build -f k8s/images/jvm.Dockerfile --build-arg MODULE=<module> -t <registry>/mopao/<service>:<version> .
FROM eclipse-temurin:25-jre-noble

ARG MODULE
RUN groupadd --system --gid 185 mopao && useradd --system --uid 185 --gid 185 --home-dir /deployments mopao \
    && mkdir -p /deployments && chown 185:185 /deployments

# Quarkus fast-jar layout, layers from least to most often changed
COPY --chown=185:185 ${MODULE}/target/quarkus-app/lib/ /deployments/lib/
COPY --chown=185:185 ${MODULE}/target/quarkus-app/*.jar /deployments/
COPY --chown=185:185 ${MODULE}/target/quarkus-app/app/ /deployments/app/
COPY --chown=185:185 ${MODULE}/target/quarkus-app/quarkus/ /deployments/quarkus/

USER 185
WORKDIR /deployments
# heap from the container's memory limit; only /tmp is written (an emptyDir in the Deployments)
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp \
  -Djava.util.logging.manager=org.jboss.logmanager.LogManager"
EXPOSE 8080 8081 8082 8083
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS $JAVA_OPTS_APPEND -jar /deployments/quarkus-run.jar"]

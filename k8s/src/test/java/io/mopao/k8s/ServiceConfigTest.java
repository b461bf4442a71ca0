package io.mopao.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mopao.events.Topic;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each service's Deployment provides every environment variable that its production configuration reads, and listens
 * where its Service and probes expect. Services whose module is not written yet are reported as skipped (with the
 * reason); once a module exists, its Deployment must cover it.
 */
class ServiceConfigTest {

    static Stream<Arguments> servicesAndVariants() {
        return ServiceConfig.MODULES.keySet().stream().flatMap(m -> Manifests.VARIANTS.stream().map(v -> Arguments.of(m, v)));
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("servicesAndVariants")
    void deploymentProvidesEveryEnvironmentVariableTheProdConfigReads(String module, String variant) {
        Path file = existing(module);
        Map<String, String> props = ServiceConfig.prodProperties(file);
        Set<String> needed = ServiceConfig.envReferences(props);
        Manifests.Rendered r = Manifests.render(variant);
        Deployment d = r.named(Deployment.class, ServiceConfig.MODULES.get(module)).orElseThrow();
        Map<String, String> provided = ServiceConfig.providedEnv(r, d);
        Set<String> missing = new TreeSet<>(needed);
        missing.removeAll(provided.keySet());
        System.out.println(variant + ": " + module + " reads " + new TreeSet<>(needed) + "; its Deployment provides "
            + new TreeSet<>(provided.keySet()));
        assertEquals(Set.of(), missing, variant + ": " + module + "/src/main/resources/application.properties reads these "
            + "variables, but Deployment " + d.getMetadata().getName() + " does not set them (add them to its ConfigMap, or "
            + "to env with a secretKeyRef for secrets)");
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("servicesAndVariants")
    void serviceListensOnAllInterfacesOnItsContainerPort(String module, String variant) {
        Path file = existing(module);
        Map<String, String> props = ServiceConfig.prodProperties(file);
        Manifests.Rendered r = Manifests.render(variant);
        Deployment d = r.named(Deployment.class, ServiceConfig.MODULES.get(module)).orElseThrow();
        Map<String, String> env = ServiceConfig.providedEnv(r, d);
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        ContainerPort http = c.getPorts().stream().filter(p -> p.getName().equals("http")).findFirst().orElseThrow();
        String port = ServiceConfig.resolve(props.getOrDefault("quarkus.http.port", "8080"), env);
        assertEquals(String.valueOf(http.getContainerPort()), port, variant + ": " + module + " listens on " + port
            + " but its container port is " + http.getContainerPort());
        String host = ServiceConfig.resolve(props.getOrDefault("quarkus.http.host", "0.0.0.0"), env);
        assertEquals("0.0.0.0", host, variant + ": " + module + " listens on " + host + " only: probes and the Service "
            + "could not reach it");
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("servicesAndVariants")
    void deploymentSetsOnlyVariablesTheServiceReads(String module, String variant) {
        Path file = existing(module);
        Set<String> needed = ServiceConfig.envReferences(ServiceConfig.prodProperties(file));
        Manifests.Rendered r = Manifests.render(variant);
        Deployment d = r.named(Deployment.class, ServiceConfig.MODULES.get(module)).orElseThrow();
        Map<String, String> provided = ServiceConfig.providedEnv(r, d);
        Set<String> unused = new TreeSet<>(provided.keySet());
        unused.removeAll(needed);
        // variables that only feed other variables through $(NAME) expansion
        provided.values().stream().filter(v -> v != null).forEach(v -> unused.removeIf(n -> v.contains("$(" + n + ")")));
        assertEquals(Set.of(), unused, variant + ": Deployment " + d.getMetadata().getName() + " sets variables that "
            + module + " does not read (stale configuration, or a secret handed to a pod that does not need it)");
    }

    @ParameterizedTest
    @MethodSource("io.mopao.k8s.Manifests#variants")
    void kedaWatchesTheConsumerGroupTheRuntimeUses(String variant) {
        Path file = existing("gpu-runtime/server");
        Map<String, String> props = ServiceConfig.prodProperties(file);
        // the property naming the requests topic, and its sibling naming the group: mp.messaging.incoming.<ch>.topic /
        // .group.id, or the runtime's own worker settings (...requests-topic / ...group-id)
        Optional<String> prefix = props.entrySet().stream()
            .filter(e -> e.getValue().equals(Topic.DIALOGUE_REQUESTS.topicName()))
            .map(e -> e.getKey().substring(0, e.getKey().lastIndexOf('.') + 1))
            .filter(p -> props.containsKey(p + "group.id") || props.containsKey(p + "group-id")).findFirst();
        assumeTrue(prefix.isPresent(), "gpu-runtime/server names no consumer group next to " + Topic.DIALOGUE_REQUESTS.topicName()
            + " in application.properties: KEDA's consumer group is not checked");
        Manifests.Rendered r = Manifests.render(variant);
        Deployment d = r.named(Deployment.class, "gpu-runtime").orElseThrow();
        String raw = props.getOrDefault(prefix.get() + "group.id", props.get(prefix.get() + "group-id"));
        String group = ServiceConfig.resolve(raw, ServiceConfig.providedEnv(r, d));
        GenericKubernetesResource so = r.custom("ScaledObject", "gpu-runtime").orElseThrow();
        Map<String, Object> md = TopicsTest.map(TopicsTest.map(((List<?>) TopicsTest.spec(so).get("triggers")).get(0))
            .get("metadata"));
        assertEquals(group, md.get("consumerGroup"), variant + ": KEDA must read the lag of the group the workers join");
    }

    private static Path existing(String module) {
        Optional<Path> file = ServiceConfig.propertiesFile(module);
        if (file.isEmpty()) {
            System.out.println("NOT CHECKED: " + module + " has no src/main/resources/application.properties yet");
        }
        assumeTrue(file.isPresent(), module + " is not written yet (no src/main/resources/application.properties): its "
            + "Deployment is checked once it exists");
        assertTrue(ServiceConfig.MODULES.containsKey(module));
        return file.get();
    }
}

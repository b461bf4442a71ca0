package io.mopao.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** The rendered manifests (base and overlays), parsed with the fabric8 Kubernetes model, shared by the tests. */
final class Manifests {

    /** The k8s module directory. */
    static final Path K8S = Path.of(System.getProperty("mopao.k8s.dir", ".")).toAbsolutePath().normalize();
    /** The repository root. */
    static final Path REPO = Path.of(System.getProperty("mopao.repo.dir", "..")).toAbsolutePath().normalize();
    /** What the tests render: the base and each overlay. */
    static final List<String> VARIANTS = List.of("base", "overlays/dev", "overlays/prod");
    static final String NAMESPACE = "mopao";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final Map<String, Rendered> CACHE = new ConcurrentHashMap<>();

    private Manifests() {
    }

    static Stream<String> variants() {
        return VARIANTS.stream();
    }

    static Rendered render(String variant) {
        return CACHE.computeIfAbsent(variant, v -> {
            List<ObjectNode> trees = Kustomize.build(K8S.resolve(v));
            List<HasMetadata> typed = new ArrayList<>();
            for (ObjectNode tree : trees) {
                typed.add((HasMetadata) SERIALIZATION.convertValue(tree, KubernetesResource.class));
            }
            return new Rendered(v, List.copyOf(trees), List.copyOf(typed));
        });
    }

    /** One rendering: the raw trees and the same resources as fabric8 objects (CRDs as GenericKubernetesResource). */
    record Rendered(String variant, List<ObjectNode> trees, List<HasMetadata> resources) {

        <T extends HasMetadata> List<T> all(Class<T> type) {
            return resources.stream().filter(type::isInstance).map(type::cast).toList();
        }

        List<GenericKubernetesResource> custom(String kind) {
            return resources.stream().filter(r -> r instanceof GenericKubernetesResource && r.getKind().equals(kind))
                .map(GenericKubernetesResource.class::cast).toList();
        }

        <T extends HasMetadata> Optional<T> named(Class<T> type, String name) {
            return all(type).stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst();
        }

        Optional<GenericKubernetesResource> custom(String kind, String name) {
            return custom(kind).stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst();
        }

        /** Workloads with a pod template that Mopao defines itself (operators make the others). */
        List<Workload> workloads() {
            List<Workload> out = new ArrayList<>();
            all(Deployment.class).forEach(d -> out.add(new Workload(d, d.getSpec().getTemplate())));
            all(StatefulSet.class).forEach(s -> out.add(new Workload(s, s.getSpec().getTemplate())));
            return out;
        }

        JsonNode tree(String kind, String name) {
            return trees.stream().filter(t -> t.path("kind").asText().equals(kind)
                && t.path("metadata").path("name").asText().equals(name)).findFirst().orElseThrow();
        }

        @Override
        public String toString() {
            return variant;
        }
    }

    /** A Deployment or StatefulSet with its pod template. */
    record Workload(HasMetadata owner, PodTemplateSpec template) {

        String name() {
            return owner.getKind() + "/" + owner.getMetadata().getName();
        }

        Map<String, String> podLabels() {
            return template.getMetadata().getLabels();
        }
    }
}

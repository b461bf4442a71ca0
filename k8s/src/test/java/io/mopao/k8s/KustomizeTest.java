package io.mopao.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kustomize subset renderer: what it does like kustomize, and what it refuses. */
class KustomizeTest {

    private static final String DEPLOYMENT = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: app
        spec:
          template:
            spec:
              nodeSelector:
                gpu: "true"
              tolerations:
                - key: a
              containers:
                - name: app
                  image: mopao/app
                  env:
                    - name: A
                      value: "1"
                  resources:
                    limits:
                      cpu: "1"
                      nvidia.com/gpu: 1
                - name: sidecar
                  image: busybox:1.36
        ---
        apiVersion: example.io/v1
        kind: Thing
        metadata:
          name: thing
        spec:
          items:
            - name: x
              size: 1
            - name: y
              size: 2
        """;

    @TempDir
    Path dir;

    @Test
    void overlayPatchesSetsNamespaceAndRewritesImages() throws IOException {
        write("base/kustomization.yaml", "resources:\n  - app.yaml\n");
        write("base/app.yaml", DEPLOYMENT);
        write("overlay/kustomization.yaml", """
            namespace: prod
            resources:
              - ../base
            images:
              - name: mopao/app
                newName: registry.example.com/mopao/app
                newTag: 1.2.3
              - name: busybox
                digest: sha256:abc
            patches:
              - patch: |-
                  apiVersion: apps/v1
                  kind: Deployment
                  metadata:
                    name: app
                  spec:
                    template:
                      spec:
                        nodeSelector: null
                        tolerations:
                          - key: b
                        containers:
                          - name: app
                            env:
                              - name: B
                                value: "2"
                            resources:
                              limits:
                                nvidia.com/gpu: null
              - target:
                  kind: Thing
                patch: |-
                  apiVersion: example.io/v1
                  kind: Thing
                  metadata:
                    name: ignored
                  spec:
                    items:
                      - name: y
                        size: 3
            """);
        List<ObjectNode> out = Kustomize.build(dir.resolve("overlay"));
        JsonNode pod = out.get(0).path("spec").path("template").path("spec");
        assertEquals("prod", out.get(0).path("metadata").path("namespace").asText());
        assertFalse(pod.has("nodeSelector"), "null deletes");
        assertEquals("b", pod.path("tolerations").get(0).path("key").asText(), "lists without merge key are replaced");
        assertEquals(1, pod.path("tolerations").size());
        JsonNode app = pod.path("containers").get(0);
        assertEquals(2, pod.path("containers").size(), "containers merge by name");
        assertEquals(List.of("A", "B"),
            List.of(app.path("env").get(0).path("name").asText(), app.path("env").get(1).path("name").asText()));
        assertEquals("1", app.path("resources").path("limits").path("cpu").asText());
        assertFalse(app.path("resources").path("limits").has("nvidia.com/gpu"));
        assertEquals("registry.example.com/mopao/app:1.2.3", app.path("image").asText());
        assertEquals("busybox@sha256:abc", pod.path("containers").get(1).path("image").asText());
        JsonNode thing = out.get(1);
        assertEquals("thing", thing.path("metadata").path("name").asText(), "a target patch keeps the resource's name");
        assertEquals(1, thing.path("spec").path("items").size(), "custom resources replace lists, as kustomize does");
        assertEquals(3, thing.path("spec").path("items").get(0).path("size").asInt());
    }

    @Test
    void refusesWhatItDoesNotImplement() throws IOException {
        write("a/kustomization.yaml", "resources:\n  - app.yaml\nconfigMapGenerator:\n  - name: x\n");
        write("a/app.yaml", DEPLOYMENT);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Kustomize.build(dir.resolve("a"))).getMessage()
            .contains("configMapGenerator"));

        write("b/kustomization.yaml", """
            resources:
              - ../a/app.yaml
            patches:
              - patch: |-
                  apiVersion: apps/v1
                  kind: Deployment
                  metadata:
                    name: app
                  spec:
                    template:
                      spec:
                        containers:
                          - name: app
                            ports:
                              - containerPort: 80
            """);
        assertThrows(IllegalArgumentException.class, () -> Kustomize.build(dir.resolve("b")), "ports merge by containerPort");

        write("c/kustomization.yaml", """
            resources:
              - ../a/app.yaml
            patches:
              - patch: |-
                  apiVersion: apps/v1
                  kind: Deployment
                  metadata:
                    name: other
                  spec:
                    paused: true
            """);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Kustomize.build(dir.resolve("c"))).getMessage()
            .contains("matches no resource"));

        write("d/kustomization.yaml", "resources:\n  - ../a/app.yaml\n  - ../a/app.yaml\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Kustomize.build(dir.resolve("d"))).getMessage()
            .contains("twice"));

        write("f/kustomization.yaml", "resources:\n  - app.yaml\n");
        write("f/app.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  A: one\n  A: two\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Kustomize.build(dir.resolve("f"))).getMessage()
            .contains("Duplicate field"), "duplicate keys");

        write("e/kustomization.yaml", "namespace: x\nresources:\n  - ns.yaml\n");
        write("e/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: y\n");
        assertThrows(IllegalArgumentException.class, () -> Kustomize.build(dir.resolve("e")));
    }

    @Test
    void imageReferencesKeepRegistryPortsAndOnlyMatchTheirName() {
        Map<String, String> spec = Map.of("name", "host:5000/mopao/app", "newTag", "2");
        assertEquals("host:5000/mopao/app:2", Kustomize.newImage("host:5000/mopao/app:1", spec));
        assertEquals("host:5000/mopao/app:2", Kustomize.newImage("host:5000/mopao/app", spec));
        assertEquals("host:5000/mopao/app-x:1", Kustomize.newImage("host:5000/mopao/app-x:1", spec));
    }

    @Test
    void aMisspelledFieldOfABuiltInKindIsFound() {
        ObjectNode tree = (ObjectNode) Kustomize.readAll(writeQuietly("typo.yaml", DEPLOYMENT.replace("nodeSelector", "nodeSelectr")))
            .get(0);
        Object deployment = new KubernetesSerialization().convertValue(tree, KubernetesResource.class);
        List<String> unknown = new ArrayList<>();
        WorkloadsTest.unknownFields(deployment, "Deployment/app", unknown, new IdentityHashMap<>());
        assertEquals(1, unknown.size(), unknown.toString());
        assertTrue(unknown.get(0).contains("nodeSelectr"));
    }

    private Path writeQuietly(String name, String text) {
        try {
            return write(name, text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }
}

package io.mopao.k8s;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a kustomization the way {@code kubectl kustomize} does, for the subset of kustomize that Mopao's manifests
 * use, and refuses everything else (so a rendering here is never silently different from kustomize's).
 *
 * <p>Supported fields of {@code kustomization.yaml}: {@code resources} (YAML files and directories holding a
 * kustomization), {@code namespace}, {@code patches} (strategic-merge patches from {@code path} or inline
 * {@code patch}, matched by kind and name, or by a {@code target} with {@code kind} and/or {@code name}) and
 * {@code images} ({@code name}, {@code newName}, {@code newTag}, {@code digest}). Strategic merge: maps merge,
 * {@code null} deletes a key; lists of built-in kinds keyed by {@code name} (containers, initContainers, env,
 * volumes, volumeMounts, imagePullSecrets) merge by name; every other list is replaced, as kustomize does for custom
 * resources. Patches that would need another merge key ({@code ports}, ...) or a {@code $patch} directive are
 * refused. A YAML mapping with a duplicate key is an error. Output order is the order of {@code resources}
 * (kustomize sorts by kind; the content is the same).
 */
public final class Kustomize {

    private static final Set<String> FIELDS = Set.of("apiVersion", "kind", "resources", "namespace", "patches", "images");
    private static final Set<String> NAME_KEYED_LISTS = Set.of("containers", "initContainers", "env", "volumes",
        "volumeMounts", "imagePullSecrets");
    private static final Set<String> OTHER_KEYED_LISTS = Set.of("ports", "topologySpreadConstraints", "hostAliases",
        "volumeDevices", "conditions", "claims");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
        "CustomResourceDefinition", "PersistentVolume", "StorageClass", "ClusterIssuer", "PriorityClass", "IngressClass",
        "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "ClusterTriggerAuthentication");

    /** Duplicate keys fail (plain YAML parsers keep the last one silently). */
    static final YAMLMapper YAML = YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private Kustomize() {
    }

    /** Renders the kustomization in {@code dir} into its list of resources. */
    public static List<ObjectNode> build(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no kustomization.yaml in " + dir);
        }
        JsonNode k = readOne(file);
        for (Iterator<String> it = k.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException(file + ": field '" + field + "' is outside the kustomize subset this "
                    + "renderer supports " + FIELDS + " (see k8s/README.md)");
            }
        }
        List<ObjectNode> resources = new ArrayList<>();
        for (JsonNode entry : k.path("resources")) {
            String ref = entry.asText();
            if (ref.contains("://") || ref.startsWith("github.com/")) {
                throw new IllegalArgumentException(file + ": remote resource " + ref + " is not supported");
            }
            Path p = dir.resolve(ref).normalize();
            if (Files.isDirectory(p)) {
                resources.addAll(build(p));
            } else {
                resources.addAll(readAll(p));
            }
        }
        checkUnique(resources, file);
        for (JsonNode patch : k.path("patches")) {
            applyPatch(resources, patch, dir, file);
        }
        if (k.hasNonNull("namespace")) {
            setNamespace(resources, k.get("namespace").asText(), file);
        }
        for (JsonNode image : k.path("images")) {
            setImage(resources, image, file);
        }
        return resources;
    }

    /** Reads every non-empty YAML document of a file as an object. */
    public static List<ObjectNode> readAll(Path file) {
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            List<ObjectNode> docs = new ArrayList<>();
            while (it.hasNextValue()) {
                JsonNode doc = it.nextValue();
                if (doc == null || doc.isNull() || doc.isMissingNode() || doc.isEmpty()) {
                    continue;
                }
                if (!doc.isObject()) {
                    throw new IllegalArgumentException(file + ": a document is not a mapping");
                }
                docs.add((ObjectNode) doc);
            }
            return docs;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static JsonNode readOne(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void checkUnique(List<ObjectNode> resources, Path file) {
        Set<String> ids = new HashSet<>();
        for (ObjectNode r : resources) {
            String id = group(r) + "/" + r.path("kind").asText() + "/" + r.path("metadata").path("namespace").asText()
                + "/" + r.path("metadata").path("name").asText();
            if (!ids.add(id)) {
                throw new IllegalArgumentException(file + ": resource " + id + " appears twice");
            }
        }
    }

    private static void applyPatch(List<ObjectNode> resources, JsonNode entry, Path dir, Path file) {
        for (Iterator<String> it = entry.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!Set.of("path", "patch", "target").contains(f)) {
                throw new IllegalArgumentException(file + ": patch field '" + f + "' is not supported");
            }
        }
        JsonNode patch;
        if (entry.has("path")) {
            List<ObjectNode> docs = readAll(dir.resolve(entry.get("path").asText()).normalize());
            if (docs.size() != 1) {
                throw new IllegalArgumentException(file + ": patch " + entry.get("path").asText() + " must hold one document");
            }
            patch = docs.get(0);
        } else {
            try {
                patch = YAML.readTree(entry.path("patch").asText());
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": unreadable inline patch", e);
            }
        }
        if (!patch.isObject()) {
            throw new IllegalArgumentException(file + ": only strategic-merge patches are supported (no JSON 6902)");
        }
        String kind;
        String name;
        ObjectNode body = ((ObjectNode) patch).deepCopy();
        if (entry.has("target")) {
            JsonNode target = entry.get("target");
            for (Iterator<String> it = target.fieldNames(); it.hasNext();) {
                String f = it.next();
                if (!Set.of("kind", "name").contains(f)) {
                    throw new IllegalArgumentException(file + ": patch target field '" + f + "' is not supported");
                }
            }
            kind = target.path("kind").asText(null);
            name = target.path("name").asText(null);
            if (body.path("metadata").isObject()) {
                ((ObjectNode) body.get("metadata")).remove("name");
            }
        } else {
            kind = patch.path("kind").asText(null);
            name = patch.path("metadata").path("name").asText(null);
            if (kind == null || name == null) {
                throw new IllegalArgumentException(file + ": a patch without target needs kind and metadata.name");
            }
        }
        body.remove("apiVersion");
        body.remove("kind");
        int matched = 0;
        for (ObjectNode r : resources) {
            if ((kind == null || kind.equals(r.path("kind").asText())) && (name == null
                || name.equals(r.path("metadata").path("name").asText()))) {
                merge(r, body, isBuiltIn(r), "");
                matched++;
            }
        }
        if (matched == 0) {
            throw new IllegalArgumentException(file + ": patch for kind=" + kind + " name=" + name + " matches no resource");
        }
    }

    /** Strategic merge of {@code patch} into {@code target} (in place), within the supported subset. */
    static JsonNode merge(JsonNode target, JsonNode patch, boolean builtIn, String field) {
        if (patch.isObject() && target != null && target.isObject()) {
            ObjectNode t = (ObjectNode) target;
            for (Map.Entry<String, JsonNode> e : patch.properties()) {
                String key = e.getKey();
                if (key.startsWith("$")) {
                    throw new IllegalArgumentException("patch directive " + key + " is not supported");
                }
                if (e.getValue().isNull()) {
                    t.remove(key);
                } else {
                    t.set(key, merge(t.get(key), e.getValue(), builtIn, key));
                }
            }
            return t;
        }
        if (patch.isArray() && builtIn && OTHER_KEYED_LISTS.contains(field)) {
            throw new IllegalArgumentException("patching the list '" + field + "' of a built-in kind needs a merge key this "
                + "renderer does not implement");
        }
        if (patch.isArray() && builtIn && NAME_KEYED_LISTS.contains(field) && target != null && target.isArray()) {
            ArrayNode t = (ArrayNode) target;
            for (JsonNode item : patch) {
                String name = item.path("name").asText(null);
                if (name == null) {
                    throw new IllegalArgumentException("an item of the list '" + field + "' in a patch has no name");
                }
                JsonNode existing = null;
                for (JsonNode candidate : t) {
                    if (name.equals(candidate.path("name").asText())) {
                        existing = candidate;
                    }
                }
                if (existing == null) {
                    t.add(item.deepCopy());
                } else {
                    merge(existing, item, builtIn, "");
                }
            }
            return t;
        }
        return patch.deepCopy();
    }

    private static boolean isBuiltIn(JsonNode r) {
        String group = group(r);
        return group.isEmpty() || !group.contains(".") || group.endsWith(".k8s.io");
    }

    private static String group(JsonNode r) {
        String apiVersion = r.path("apiVersion").asText();
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    private static void setNamespace(List<ObjectNode> resources, String namespace, Path file) {
        for (ObjectNode r : resources) {
            String kind = r.path("kind").asText();
            if (kind.equals("Namespace")) {
                if (!namespace.equals(r.path("metadata").path("name").asText())) {
                    throw new IllegalArgumentException(file + ": Namespace " + r.path("metadata").path("name").asText()
                        + " differs from namespace " + namespace + " (kustomize would rename it)");
                }
            } else if (!CLUSTER_SCOPED.contains(kind)) {
                metadata(r).put("namespace", namespace);
            }
        }
    }

    private static ObjectNode metadata(ObjectNode r) {
        if (!r.path("metadata").isObject()) {
            r.putObject("metadata");
        }
        return (ObjectNode) r.get("metadata");
    }

    private static void setImage(List<ObjectNode> resources, JsonNode image, Path file) {
        Map<String, String> spec = YAML.convertValue(image, new TypeReference<Map<String, String>>() { });
        for (String f : spec.keySet()) {
            if (!Set.of("name", "newName", "newTag", "digest").contains(f)) {
                throw new IllegalArgumentException(file + ": images field '" + f + "' is not supported");
            }
        }
        for (ObjectNode r : resources) {
            rewriteImages(r, spec);
        }
    }

    private static void rewriteImages(JsonNode node, Map<String, String> spec) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if ((e.getKey().equals("containers") || e.getKey().equals("initContainers")) && e.getValue().isArray()) {
                    for (JsonNode c : e.getValue()) {
                        if (c.hasNonNull("image")) {
                            ((ObjectNode) c).put("image", newImage(c.get("image").asText(), spec));
                        }
                    }
                } else {
                    rewriteImages(e.getValue(), spec);
                }
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                rewriteImages(item, spec);
            }
        }
    }

    /** The image reference after an {@code images} entry, or the same reference when its name does not match. */
    static String newImage(String image, Map<String, String> spec) {
        String name = image;
        String digest = null;
        String tag = null;
        int at = name.indexOf('@');
        if (at >= 0) {
            digest = name.substring(at + 1);
            name = name.substring(0, at);
        }
        int colon = name.lastIndexOf(':');
        if (colon > name.lastIndexOf('/')) {
            tag = name.substring(colon + 1);
            name = name.substring(0, colon);
        }
        if (!name.equals(spec.get("name"))) {
            return image;
        }
        if (spec.containsKey("newName")) {
            name = spec.get("newName");
        }
        if (spec.containsKey("newTag")) {
            tag = spec.get("newTag");
            digest = null;
        }
        if (spec.containsKey("digest")) {
            digest = spec.get("digest");
            tag = null;
        }
        return name + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }
}

package io.mopao.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.mopao.events.Topic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the manifests that are derived from code, so that they cannot drift from it: one Strimzi
 * {@code KafkaTopic} per entry of the topic catalogue ({@link Topic}) and the {@code KeycloakRealmImport} of the
 * realm that local runs import ({@code infra/keycloak/mopao-realm.json}). The module's tests fail when the committed
 * files differ from what this class writes; regenerate with
 * {@code ./mvnw -q -pl k8s -am verify -Dmopao.k8s.regenerate=true} (see k8s/README.md).
 */
public final class ManifestGenerator {

    /** The Strimzi Kafka cluster the topics belong to. */
    public static final String KAFKA_CLUSTER = "mopao-kafka";
    /** Replicas of every topic in the base (production); overlays/dev patches it down to its one broker. */
    public static final int TOPIC_REPLICAS = 3;
    /** The Keycloak CR the realm is imported into. */
    public static final String KEYCLOAK_CR = "mopao-keycloak";
    /** The only confidential client of the realm, and where its secret comes from in the cluster. */
    public static final String SERVICE_CLIENT = "mopao-service";
    public static final String SERVICE_CLIENT_SECRET_PLACEHOLDER = "MOPAO_SERVICE_CLIENT_SECRET";
    public static final String SERVICE_CLIENT_SECRET_NAME = "mopao-oidc-client";
    public static final String SERVICE_CLIENT_SECRET_KEY = "secret";

    static final YAMLMapper YAML = YAMLMapper.builder()
        .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
        .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
        .build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ManifestGenerator() {
    }

    /** The KafkaTopic manifests of every catalogue topic, in catalogue order. */
    public static String topicsYaml() {
        StringBuilder out = new StringBuilder();
        out.append("# GENERATED from io.mopao.events.Topic by io.mopao.k8s.ManifestGenerator: do not edit.\n")
            .append("# Regenerate: ./mvnw -q -pl k8s -am verify -Dmopao.k8s.regenerate=true\n");
        boolean first = true;
        for (Topic topic : Topic.all()) {
            if (!first) {
                out.append("---\n");
            }
            first = false;
            out.append("# key: ").append(topic.keyDescription()).append('\n');
            out.append(toYaml(kafkaTopic(topic)));
        }
        return out.toString();
    }

    static ObjectNode kafkaTopic(Topic topic) {
        ObjectNode t = NODES.objectNode();
        t.put("apiVersion", "kafka.strimzi.io/v1beta2");
        t.put("kind", "KafkaTopic");
        ObjectNode metadata = t.putObject("metadata");
        metadata.put("name", topic.topicName());
        metadata.putObject("labels").put("strimzi.io/cluster", KAFKA_CLUSTER);
        ObjectNode spec = t.putObject("spec");
        spec.put("topicName", topic.topicName());
        spec.put("partitions", topic.partitions());
        spec.put("replicas", TOPIC_REPLICAS);
        ObjectNode config = spec.putObject("config");
        config.put("cleanup.policy", topic.cleanupPolicy().kafkaName());
        topic.retention().ifPresent(r -> config.put("retention.ms", r.toMillis()));
        return t;
    }

    /** The KeycloakRealmImport of the local realm file, made fit for a cluster (see {@link #clusterRealm}). */
    public static String realmImportYaml(Path realmFile, String publicUrl) {
        ObjectNode doc = NODES.objectNode();
        doc.put("apiVersion", "k8s.keycloak.org/v2alpha1");
        doc.put("kind", "KeycloakRealmImport");
        doc.putObject("metadata").put("name", "mopao-realm");
        ObjectNode spec = doc.putObject("spec");
        spec.put("keycloakCRName", KEYCLOAK_CR);
        spec.putObject("placeholders").putObject(SERVICE_CLIENT_SECRET_PLACEHOLDER).putObject("secret")
            .put("name", SERVICE_CLIENT_SECRET_NAME).put("key", SERVICE_CLIENT_SECRET_KEY);
        spec.set("realm", clusterRealm(readRealm(realmFile), publicUrl));
        return "# GENERATED from infra/keycloak/mopao-realm.json by io.mopao.k8s.ManifestGenerator: do not edit.\n"
            + "# Regenerate: ./mvnw -q -pl k8s -am verify -Dmopao.k8s.regenerate=true\n"
            + "# The realm of local runs with these cluster differences: no demo users (they have known passwords),\n"
            + "# no password policy (locally a cheap hash for fast test logins; here Keycloak's default hashing),\n"
            + "# the " + SERVICE_CLIENT + " client secret from the Secret " + SERVICE_CLIENT_SECRET_NAME + " (placeholder),\n"
            + "# sslRequired external, the browser client on " + publicUrl + " with the code flow only.\n"
            + toYaml(doc);
    }

    /**
     * The local realm with the differences a cluster needs, and only those: the demo users are dropped (local only,
     * known passwords), and so is the password policy (locally a cheap hash for fast test logins; a cluster keeps Keycloak's
     * default hashing); every client secret becomes the placeholder {@value #SERVICE_CLIENT_SECRET_PLACEHOLDER}, filled
     * by the operator from a Secret; {@code sslRequired} is {@code external} (TLS ends at the Ingress); clients with a
     * {@code rootUrl} (the browser client) point at the public URL and lose the password grant (used by local tests).
     */
    public static ObjectNode clusterRealm(ObjectNode localRealm, String publicUrl) {
        ObjectNode realm = localRealm.deepCopy();
        realm.remove("users");
        realm.remove("passwordPolicy");
        realm.put("sslRequired", "external");
        for (JsonNode c : realm.path("clients")) {
            ObjectNode client = (ObjectNode) c;
            if (client.has("secret")) {
                if (!SERVICE_CLIENT.equals(client.path("clientId").asText())) {
                    throw new IllegalStateException("client " + client.path("clientId").asText() + " has a secret: give it a "
                        + "placeholder and a Secret in ManifestGenerator");
                }
                client.put("secret", "${" + SERVICE_CLIENT_SECRET_PLACEHOLDER + "}");
            }
            if (client.has("rootUrl")) {
                client.put("rootUrl", publicUrl);
                ArrayNode redirects = client.putArray("redirectUris");
                redirects.add(publicUrl + "/*");
                client.put("directAccessGrantsEnabled", false);
                if (client.path("attributes").has("post.logout.redirect.uris")) {
                    ((ObjectNode) client.get("attributes")).put("post.logout.redirect.uris", publicUrl + "/*");
                }
            }
        }
        return realm;
    }

    /** Reads the realm JSON file. */
    public static ObjectNode readRealm(Path realmFile) {
        try {
            return (ObjectNode) JSON.readTree(realmFile.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + realmFile, e);
        }
    }

    /** The public URL of the gateway: {@code https://} and the host of the Ingress named "web" in the base. */
    public static String publicUrl(Path k8sDir) {
        List<ObjectNode> base = Kustomize.build(k8sDir.resolve("base"));
        return base.stream()
            .filter(r -> r.path("kind").asText().equals("Ingress") && r.path("metadata").path("name").asText().equals("web"))
            .map(r -> "https://" + r.path("spec").path("rules").path(0).path("host").asText())
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no Ingress 'web' in the base"));
    }

    /** Path of the generated topics manifest inside the k8s module. */
    public static Path topicsFile(Path k8sDir) {
        return k8sDir.resolve("base/kafka/topics.yaml");
    }

    /** Path of the generated realm import inside the k8s module. */
    public static Path realmImportFile(Path k8sDir) {
        return k8sDir.resolve("base/keycloak/realm-import.yaml");
    }

    /** Writes both generated files. Arguments: the k8s module directory and the realm JSON file. */
    public static void main(String[] args) throws IOException {
        Path k8sDir = Path.of(args.length > 0 ? args[0] : "k8s");
        Path realm = Path.of(args.length > 1 ? args[1] : "infra/keycloak/mopao-realm.json");
        Files.writeString(topicsFile(k8sDir), topicsYaml());
        Files.writeString(realmImportFile(k8sDir), realmImportYaml(realm, publicUrl(k8sDir)));
    }

    private static String toYaml(JsonNode node) {
        try {
            return YAML.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

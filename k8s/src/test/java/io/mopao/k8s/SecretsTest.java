package io.mopao.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Secrets are referenced, never committed. */
class SecretsTest {

    private static final Pattern SECRET_NAME = Pattern.compile(".*(PASSWORD|SECRET|TOKEN|CREDENTIAL|PRIVATE|API_KEY).*",
        Pattern.CASE_INSENSITIVE);
    /** user:password@ in a URL, unless the password is a $(VAR) reference. */
    private static final Pattern URL_PASSWORD = Pattern.compile("://[^/\\s:@]*:(?!\\$\\()[^/\\s@]+@");

    @ParameterizedTest
    @MethodSource("io.mopao.k8s.Manifests#variants")
    void noSecretIsCommittedAsAManifest(String variant) {
        List<String> secrets = Manifests.render(variant).resources().stream().filter(r -> r.getKind().equals("Secret"))
            .map(r -> r.getMetadata().getName()).toList();
        assertEquals(List.of(), secrets, variant + ": Secrets are created out of band or by operators (k8s/README.md)");
    }

    @ParameterizedTest
    @MethodSource("io.mopao.k8s.Manifests#variants")
    void secretValuesComeFromSecretsNotFromLiterals(String variant) {
        Manifests.Rendered r = Manifests.render(variant);
        List<String> problems = new ArrayList<>();
        for (Manifests.Workload w : r.workloads()) {
            for (Container c : w.template().getSpec().getContainers()) {
                for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
                    if (e.getValue() != null && (SECRET_NAME.matcher(e.getName()).matches() || URL_PASSWORD.matcher(e.getValue()).find())) {
                        problems.add(w.name() + " env " + e.getName() + " has a literal value");
                    }
                    if (e.getValueFrom() != null && SECRET_NAME.matcher(e.getName()).matches()) {
                        assertTrue(e.getValueFrom().getSecretKeyRef() != null, w.name() + " env " + e.getName() + " from a Secret");
                    }
                }
            }
        }
        for (ConfigMap cm : r.all(ConfigMap.class)) {
            cm.getData().forEach((k, v) -> {
                if (SECRET_NAME.matcher(k).matches() || URL_PASSWORD.matcher(v).find()) {
                    problems.add("ConfigMap " + cm.getMetadata().getName() + " key " + k + " looks like a secret");
                }
            });
        }
        assertEquals(List.of(), problems, variant);
    }

    @Test
    void noLocalPasswordOrClientSecretAppearsUnderK8s() throws IOException {
        Set<String> secrets = new TreeSet<>();
        JsonNode realm = ManifestGenerator.readRealm(Manifests.REPO.resolve("infra/keycloak/mopao-realm.json"));
        for (JsonNode user : realm.path("users")) {
            for (JsonNode cred : user.path("credentials")) {
                secrets.add(cred.path("value").asText());
            }
        }
        for (JsonNode client : realm.path("clients")) {
            if (client.hasNonNull("secret")) {
                secrets.add(client.get("secret").asText());
            }
        }
        assertFalse(secrets.isEmpty(), "the local realm has demo passwords and a client secret to look for");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Manifests.K8S)) {
            for (Path f : files.filter(Files::isRegularFile).filter(p -> !p.startsWith(Manifests.K8S.resolve("target")))
                .filter(p -> p.toString().matches(".*\\.(ya?ml|md|json|Dockerfile|properties)$")).toList()) {
                String text = Files.readString(f);
                for (String s : secrets) {
                    if (Pattern.compile("(?<![A-Za-z0-9-])" + Pattern.quote(s) + "(?![A-Za-z0-9-])").matcher(text).find()) {
                        found.add(Manifests.K8S.relativize(f) + " contains a local secret");
                    }
                }
            }
        }
        assertEquals(List.of(), found);
    }

    @ParameterizedTest
    @MethodSource("io.mopao.k8s.Manifests#variants")
    void everyReferencedSecretIsMadeByAnOperatorOrDocumented(String variant) throws IOException {
        Manifests.Rendered r = Manifests.render(variant);
        Set<String> referenced = new TreeSet<>();
        collectSecretRefs(r.trees(), referenced);
        Set<String> byOperators = new TreeSet<>();
        for (GenericKubernetesResource cluster : r.custom("Cluster")) {
            byOperators.add(cluster.getMetadata().getName() + "-app");
        }
        for (GenericKubernetesResource kc : r.custom("Keycloak")) {
            byOperators.add(kc.getMetadata().getName() + "-initial-admin");
        }
        for (Ingress ing : r.all(Ingress.class)) {
            ing.getSpec().getTls().stream().map(IngressTLS::getSecretName).forEach(byOperators::add);
        }
        String readme = Files.readString(Manifests.K8S.resolve("README.md"));
        List<String> unknown = referenced.stream().filter(s -> !byOperators.contains(s))
            .filter(s -> !readme.contains("| `" + s + "` |")).toList();
        assertEquals(List.of(), unknown, variant + ": Secrets referenced but neither made by an operator nor listed in the "
            + "k8s/README.md Secrets table");
        assertTrue(referenced.contains("mopao-oidc-client"));
    }

    /** Secret names in secretKeyRef, secretRef, realm import placeholders and Keycloak db credentials. */
    private static void collectSecretRefs(Iterable<? extends JsonNode> nodes, Set<String> out) {
        for (JsonNode n : nodes) {
            if (n.isObject()) {
                for (Map.Entry<String, JsonNode> e : n.properties()) {
                    String k = e.getKey();
                    if ((k.equals("secretKeyRef") || k.equals("secretRef") || k.equals("usernameSecret")
                        || k.equals("passwordSecret") || k.equals("secret")) && e.getValue().has("name")) {
                        out.add(e.getValue().get("name").asText());
                    }
                    if (k.equals("secretName") && e.getValue().isTextual()) {
                        out.add(e.getValue().asText());
                    }
                }
                collectSecretRefs(n::elements, out);
            } else if (n.isArray()) {
                collectSecretRefs(n::elements, out);
            }
        }
    }
}

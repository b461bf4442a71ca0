package io.mopao.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The committed KafkaTopic and KeycloakRealmImport manifests are exactly what {@link ManifestGenerator} makes from
 * the topic catalogue and the local realm. With {@code -Dmopao.k8s.regenerate=true} the test rewrites them instead.
 */
class GeneratedManifestsTest {

    private static final boolean REGENERATE = Boolean.getBoolean("mopao.k8s.regenerate");
    private static final String HOW = "is out of date: regenerate with ./mvnw -q -pl k8s -am verify -Dmopao.k8s.regenerate=true "
        + "and commit the result";

    @Test
    void kafkaTopicsAreGeneratedFromTheTopicCatalogue() throws IOException {
        check(ManifestGenerator.topicsFile(Manifests.K8S), ManifestGenerator.topicsYaml());
    }

    @Test
    void realmImportIsGeneratedFromTheLocalRealm() throws IOException {
        String expected = ManifestGenerator.realmImportYaml(Manifests.REPO.resolve("infra/keycloak/mopao-realm.json"),
            ManifestGenerator.publicUrl(Manifests.K8S));
        check(ManifestGenerator.realmImportFile(Manifests.K8S), expected);
    }

    private static void check(Path file, String expected) throws IOException {
        if (REGENERATE) {
            Files.writeString(file, expected);
            System.out.println("regenerated " + file);
        }
        assertEquals(expected, Files.readString(file), Manifests.K8S.relativize(file) + " " + HOW);
    }
}

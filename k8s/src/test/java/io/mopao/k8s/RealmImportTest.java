package io.mopao.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The KeycloakRealmImport holds the realm that local runs import (infra/keycloak/mopao-realm.json), compared field
 * by field and independently of the generator: equal except secrets (a placeholder filled from a Secret), the demo users
 * and the few settings a public cluster needs.
 */
class RealmImportTest {

    /**
     * Top-level realm fields allowed to differ: users (local demo accounts), passwordPolicy (a cheap hash for fast local
     * logins), sslRequired (TLS at the ingress); clients are compared one by one below.
     */
    private static final Set<String> REALM_DIFFERENCES = Set.of("users", "passwordPolicy", "sslRequired", "clients");
    /** Client fields allowed to differ: the secret, and the browser client's URLs and password grant. */
    private static final Set<String> CLIENT_DIFFERENCES = Set.of("secret", "rootUrl", "redirectUris", "attributes",
        "directAccessGrantsEnabled");

    @ParameterizedTest
    @MethodSource("io.mopao.k8s.Manifests#variants")
    void realmInTheManifestIsTheLocalRealmIgnoringSecrets(String variant) {
        Manifests.Rendered r = Manifests.render(variant);
        JsonNode importCr = r.tree("KeycloakRealmImport", "mopao-realm");
        assertEquals(r.custom("Keycloak").get(0).getMetadata().getName(), importCr.path("spec").path("keycloakCRName").asText());
        JsonNode realm = importCr.path("spec").path("realm");
        ObjectNode local = ManifestGenerator.readRealm(Manifests.REPO.resolve("infra/keycloak/mopao-realm.json"));

        for (Iterator<String> it = local.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!REALM_DIFFERENCES.contains(field)) {
                assertEquals(local.get(field), realm.get(field), variant + ": realm field " + field);
            }
        }
        assertEquals(local.size() - (local.has("users") ? 1 : 0) - (local.has("passwordPolicy") ? 1 : 0), realm.size(),
            variant + ": realm has no extra fields");
        assertFalse(realm.has("users"), variant + ": demo users (known passwords) stay local");
        assertFalse(realm.has("passwordPolicy"), variant + ": the cheap local password hashing stays local");
        assertEquals("external", realm.path("sslRequired").asText());

        assertEquals(local.path("clients").size(), realm.path("clients").size());
        String publicUrl = "https://" + r.named(Ingress.class, "web").orElseThrow().getSpec().getRules().get(0).getHost();
        for (JsonNode localClient : local.path("clients")) {
            String id = localClient.path("clientId").asText();
            JsonNode client = find(realm.path("clients"), id);
            for (Iterator<String> it = localClient.fieldNames(); it.hasNext();) {
                String field = it.next();
                if (!CLIENT_DIFFERENCES.contains(field)) {
                    assertEquals(localClient.get(field), client.get(field), variant + ": client " + id + " field " + field);
                }
            }
            if (localClient.has("secret")) {
                String placeholder = client.path("secret").asText();
                assertTrue(placeholder.matches("\\$\\{[A-Z_]+}"), variant + ": client " + id + " secret must be a placeholder");
                String name = placeholder.substring(2, placeholder.length() - 1);
                JsonNode ref = importCr.path("spec").path("placeholders").path(name).path("secret");
                assertFalse(ref.path("name").asText().isEmpty(), variant + ": placeholder " + name + " comes from a Secret");
                assertFalse(ref.path("key").asText().isEmpty());
            }
            if (localClient.has("rootUrl")) {
                assertEquals(publicUrl, client.path("rootUrl").asText(), variant + ": " + id + " on the public host");
                assertEquals(List.of(publicUrl + "/*"), List.of(client.path("redirectUris").get(0).asText()));
                assertEquals(1, client.path("redirectUris").size());
                assertFalse(client.path("directAccessGrantsEnabled").asBoolean(), variant + ": no password grant in a cluster");
            } else {
                assertEquals(localClient.path("attributes"), client.path("attributes"), variant + ": client " + id);
                assertEquals(localClient.path("redirectUris"), client.path("redirectUris"), variant + ": client " + id);
                assertEquals(localClient.path("directAccessGrantsEnabled"), client.path("directAccessGrantsEnabled"));
            }
        }
    }

    private static JsonNode find(JsonNode clients, String clientId) {
        for (JsonNode c : clients) {
            if (c.path("clientId").asText().equals(clientId)) {
                return c;
            }
        }
        throw new AssertionError("client " + clientId + " missing from the realm import");
    }
}

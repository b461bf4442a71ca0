package io.mopao.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A service's production configuration (its application.properties without dev/test profiles) and its Deployment's env. */
final class ServiceConfig {

    /** Service module (folder under the repository root) to its Deployment. */
    static final Map<String, String> MODULES = new LinkedHashMap<>();

    static {
        MODULES.put("character-service", "character-service");
        MODULES.put("world-service", "world-service");
        MODULES.put("story-engine", "story-engine");
        MODULES.put("web", "web");
        MODULES.put("gpu-runtime/server", "gpu-runtime");
    }

    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)(?=[:}])");
    private static final Pattern PROFILE = Pattern.compile("^%([^.]+)\\.(.*)$");

    private ServiceConfig() {
    }

    /** The module's application.properties, if the module has been written. */
    static Optional<Path> propertiesFile(String module) {
        Path p = Manifests.REPO.resolve(module).resolve("src/main/resources/application.properties");
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** The properties in force in the prod profile: unprofiled ones, overridden by {@code %prod.} ones. */
    static Map<String, String> prodProperties(Path file) {
        Properties raw = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            raw.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> plain = new LinkedHashMap<>();
        Map<String, String> prod = new LinkedHashMap<>();
        for (String key : raw.stringPropertyNames()) {
            Matcher m = PROFILE.matcher(key);
            if (!m.matches()) {
                plain.put(key, raw.getProperty(key));
            } else if (Set.of(m.group(1).split(",")).contains("prod")) {
                prod.put(m.group(2), raw.getProperty(key));
            }
        }
        plain.putAll(prod);
        return plain;
    }

    /** Environment variables that the given property values read. */
    static Set<String> envReferences(Map<String, String> properties) {
        Set<String> names = new LinkedHashSet<>();
        for (String value : properties.values()) {
            Matcher m = ENV_REF.matcher(value);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /**
     * What the Deployment's container puts in the environment: env entries (value, or {@code null} for a Secret or
     * other reference) and every key of the ConfigMaps it loads with envFrom. Throws for a ConfigMap not in the rendering.
     */
    static Map<String, String> providedEnv(Manifests.Rendered r, Deployment d) {
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : c.getEnvFrom() == null ? java.util.List.<EnvFromSource>of() : c.getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
                ConfigMap cm = r.named(ConfigMap.class, from.getConfigMapRef().getName()).orElseThrow(() -> new AssertionError(
                    r + ": " + d.getMetadata().getName() + " loads missing ConfigMap " + from.getConfigMapRef().getName()));
                cm.getData().forEach((k, v) -> env.put((from.getPrefix() == null ? "" : from.getPrefix()) + k, v));
            } else {
                throw new AssertionError(r + ": " + d.getMetadata().getName() + ": envFrom a Secret hides which variables it "
                    + "sets; use env with secretKeyRef");
            }
        }
        for (EnvVar e : c.getEnv() == null ? java.util.List.<EnvVar>of() : c.getEnv()) {
            env.put(e.getName(), e.getValueFrom() == null ? e.getValue() : null);
        }
        return env;
    }

    /** Resolves {@code ${VAR:default}} and {@code ${VAR}} in a property value with the given environment. */
    static String resolve(String value, Map<String, String> env) {
        Matcher m = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)(?::([^}]*))?}").matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = env.containsKey(m.group(1)) ? env.get(m.group(1)) : m.group(2);
            m.appendReplacement(out, Matcher.quoteReplacement(v == null ? "" : v));
        }
        m.appendTail(out);
        return out.toString();
    }
}

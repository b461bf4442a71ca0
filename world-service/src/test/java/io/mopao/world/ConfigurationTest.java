package io.mopao.world;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Every value that differs in production is read from an environment variable with a local default. */
class ConfigurationTest {

    @Test
    void productionSettingsComeFromEnvironmentVariables() throws IOException {
        Properties props = new Properties();
        try (InputStream in = ConfigurationTest.class.getResourceAsStream("/application.properties")) {
            props.load(in);
        }
        for (String key : List.of("quarkus.datasource.username", "quarkus.datasource.password", "quarkus.datasource.reactive.url",
            "quarkus.datasource.jdbc.url", "quarkus.oidc.auth-server-url", "quarkus.oidc.credentials.secret", "quarkus.redis.hosts",
            "kafka.bootstrap.servers", "quarkus.http.port")) {
            String value = props.getProperty(key);
            assertTrue(value != null && value.startsWith("${MOPAO_") && value.contains(":"), key + " = " + value);
        }
    }
}

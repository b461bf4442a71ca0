package io.mopao.runtime.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mopao.cuda.runtime.CudaProbe;
import io.mopao.cuda.select.DeviceProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The running service reports the backend start-up chose ({@code mopao.runtime.backend=auto}, the default) in the health
 * check {@code backend} and in the metric {@code mopao_runtime_backend_info}: {@code cpu} with the probe's reason on a
 * machine without a usable CUDA device, {@code cuda} with the device on one that has it.
 */
@QuarkusTest
class BackendReportTest {

    @Test
    void healthAndMetricsSayWhichBackendRunsAndWhy() {
        DeviceProbe probe = CudaProbe.probe();
        String backend = probe.usable() ? "cuda" : "cpu";
        String reason = probe.usable() ? "backend=auto found " + probe.describe()
            : "backend=auto found no usable CUDA device: " + probe.reason();
        for (String path : List.of("/q/health/ready", "/q/health/started")) {
            JsonPath health = given().get(path).then().statusCode(200).body("status", equalTo("UP")).extract().jsonPath();
            Map<String, String> data = health.getMap("checks.find { it.name == 'backend' }.data");
            assertEquals(Map.of("backend", backend, "mode", "auto", "device", probe.describe(), "reason", reason), data, path);
        }
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        String line = metrics.lines().filter(l -> l.startsWith("mopao_runtime_backend_info{")).findFirst().orElse("");
        assertTrue(line.contains("backend=\"" + backend + "\""), line);
        assertTrue(line.contains("mode=\"auto\""), line);
        assertTrue(line.contains("model=\"stories260K\""), line);
        assertTrue(line.contains("reason=\"" + reason.replace("\\", "\\\\").replace("\"", "\\\"") + "\""), line);
        assertTrue(line.contains("runner=\"" + backend + "("), line);
        assertTrue(line.endsWith(" 1.0"), line);
    }
}

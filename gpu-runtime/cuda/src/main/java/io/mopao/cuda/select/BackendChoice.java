package io.mopao.cuda.select;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What start-up decided: the configured mode, the backend that runs (cpu or cuda), the device and why. Reported in the
 * log ({@link BackendSelector}), the health endpoint ({@link #health()}) and a metric ({@link #metric()}).
 *
 * @param mode    the configured mode
 * @param backend {@code cpu} or {@code cuda}
 * @param probe   the device probe it was based on (for {@code cpu} mode: not probed)
 * @param reason  one line: why this backend
 */
public record BackendChoice(BackendMode mode, String backend, DeviceProbe probe, String reason) {

    /** Name of the info gauge: always 1, labels carry the choice. */
    public static final String METRIC = "mopao_engine_backend_info";

    /** @return whether the CUDA backend runs */
    public boolean cuda() {
        return "cuda".equals(backend);
    }

    /** @return the details for a health check's data: mode, backend, device, reason */
    public Map<String, String> health() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("backend.mode", mode.value());
        m.put("backend", backend);
        m.put("backend.device", probe.describe());
        m.put("backend.reason", reason);
        return m;
    }

    /** @return the gauge in Prometheus text format, e.g. {@code mopao_engine_backend_info{mode="auto",backend="cpu",device="none"} 1} */
    public String metric() {
        return METRIC + "{mode=\"" + mode.value() + "\",backend=\"" + backend + "\",device=\"" + escape(probe.describe()) + "\"} 1";
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}

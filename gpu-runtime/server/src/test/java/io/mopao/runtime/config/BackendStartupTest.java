package io.mopao.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mopao.cuda.Backends;
import io.mopao.cuda.runtime.CudaProbe;
import io.mopao.cuda.select.CudaUnavailableException;
import io.mopao.cuda.select.DeviceProbe;
import io.mopao.engine.serving.EngineConfig;
import io.mopao.runtime.engine.ModelRegistry;
import io.mopao.runtime.engine.ServedModel;
import io.mopao.runtime.testing.SharedModels;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The service's start-up backend decision ({@code mopao.runtime.backend}, {@link RuntimeBeans#chooseBackend}) with the
 * real device probe of the machine the test runs on, and the engines built on it. Each branch asserts what this
 * machine's probe implies (on a CPU-only machine: {@code auto} runs on the CPU with the probe's reason, {@code cuda}
 * fails start-up with the one-line message); nothing is skipped.
 */
class BackendStartupTest {

    @Test
    void cpuRunsTheEnginesOnTheCpuRunner() {
        Backends.Serving cpu = RuntimeBeans.chooseBackend("cpu");
        assertEquals("cpu", cpu.choice().backend());
        assertEquals("configured backend=cpu", cpu.choice().reason());
        try (ModelRegistry models = ModelRegistry.load(Map.of("m", SharedModels.require("stories260K.gguf")), 1,
            EngineConfig.defaults().withKvCacheTokens(1024).withMaxModelLen(256), cpu)) {
            assertEquals(cpu.choice(), models.backend());
            ServedModel m = models.find("m").orElseThrow();
            assertTrue(m.backend().startsWith("cpu("), m.backend());
            assertEquals(m.engine().runnerName(), m.backend());
        }
    }

    @Test
    void autoTakesTheDeviceWhenUsableAndOtherwiseTheCpuWithTheProbesReason() {
        DeviceProbe probe = CudaProbe.probe();
        Backends.Serving auto = RuntimeBeans.chooseBackend("auto");
        if (probe.usable()) {
            assertEquals("cuda", auto.choice().backend());
            assertEquals("backend=auto found " + probe.describe(), auto.choice().reason());
        } else {
            assertEquals("cpu", auto.choice().backend());
            assertEquals("backend=auto found no usable CUDA device: " + probe.reason(), auto.choice().reason());
            assertEquals("none", auto.choice().probe().describe());
        }
    }

    @Test
    void cudaWithoutAUsableDeviceFailsStartUpWithOneLine() {
        DeviceProbe probe = CudaProbe.probe();
        if (probe.usable()) {
            assertEquals("cuda", RuntimeBeans.chooseBackend("cuda").choice().backend());
            return;
        }
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> RuntimeBeans.chooseBackend("cuda"));
        assertEquals("backend=cuda but no usable CUDA device: " + probe.reason()
            + ". Run on a machine with an NVIDIA driver and GPU, or set the backend to cpu or auto.", e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void anUnknownBackendFailsStartUpNamingTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RuntimeBeans.chooseBackend("gpu0"));
        assertEquals("unknown backend 'gpu0': use cpu, cuda or auto", e.getMessage());
    }
}

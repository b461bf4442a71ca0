package io.mopao.cuda.select;

import io.mopao.cuda.Backends;
import io.mopao.cuda.runtime.CudaProbe;
import io.mopao.engine.model.ModelOptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class BackendSelectorTest {
    private static final DeviceProbe H100 = new DeviceProbe(true, "NVIDIA H100 80GB HBM3", 0, 9, 0, 85_000_000_000L, 13010, "ok");
    private static final DeviceProbe NONE = DeviceProbe.unusable("the CUDA libraries could not be loaded (libcuda.so.1: cannot open)");

    @Test
    void parsesTheThreeModesAndRejectsOthersNamingTheChoices() {
        assertEquals(BackendMode.CPU, BackendMode.parse("cpu"));
        assertEquals(BackendMode.CUDA, BackendMode.parse(" CUDA "));
        assertEquals(BackendMode.AUTO, BackendMode.parse("Auto"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackendMode.parse("gpu"));
        assertTrue(e.getMessage().contains("use cpu, cuda or auto"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BackendMode.parse(""));
    }

    @Test
    void cpuModeDoesNotProbe() {
        AtomicInteger probes = new AtomicInteger();
        BackendChoice c = BackendSelector.select(BackendMode.CPU, () -> {
            probes.incrementAndGet();
            return H100;
        });
        assertEquals("cpu", c.backend());
        assertEquals(0, probes.get());
    }

    @Test
    void cudaModeWithoutDeviceFailsWithTheProbeReason() {
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> BackendSelector.select(BackendMode.CUDA, () -> NONE));
        assertTrue(e.getMessage().startsWith("backend=cuda but no usable CUDA device: the CUDA libraries could not be loaded"),
                e.getMessage());
        assertTrue(e.getMessage().contains("set the backend to cpu or auto"), e.getMessage());
    }

    @Test
    void autoPicksCudaWhenUsableAndCpuOtherwise() {
        BackendChoice gpu = BackendSelector.select(BackendMode.AUTO, () -> H100);
        assertTrue(gpu.cuda());
        assertEquals("NVIDIA H100 80GB HBM3 (sm_90, 79.2 GiB)", gpu.probe().describe());
        BackendChoice cpu = BackendSelector.select(BackendMode.AUTO, () -> NONE);
        assertFalse(cpu.cuda());
        assertTrue(cpu.reason().contains("found no usable CUDA device: the CUDA libraries could not be loaded"), cpu.reason());
    }

    @Test
    void choiceIsReportedForHealthAndAsAMetric() {
        BackendChoice cpu = BackendSelector.select(BackendMode.AUTO, () -> NONE);
        assertEquals("auto", cpu.health().get("backend.mode"));
        assertEquals("cpu", cpu.health().get("backend"));
        assertEquals("none", cpu.health().get("backend.device"));
        assertEquals("mopao_engine_backend_info{mode=\"auto\",backend=\"cpu\",device=\"none\"} 1", cpu.metric());
        BackendChoice gpu = BackendSelector.select(BackendMode.CUDA, () -> H100);
        assertEquals("mopao_engine_backend_info{mode=\"cuda\",backend=\"cuda\",device=\"NVIDIA H100 80GB HBM3 (sm_90, 79.2 GiB)\"} 1",
                gpu.metric());
    }

    @Test
    void theChoiceIsLogged() {
        Logger jul = Logger.getLogger(BackendSelector.class.getName());
        List<String> lines = new ArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(h);
        try {
            BackendSelector.select(BackendMode.AUTO, () -> NONE);
        } finally {
            jul.removeHandler(h);
        }
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("backend cpu chosen (backend=auto found no usable CUDA device")),
                lines.toString());
    }

    @Test
    void realProbeOnThisMachineGivesAReasonQuickly() {
        long t0 = System.nanoTime();
        DeviceProbe p = CudaProbe.probe();
        assertTrue((System.nanoTime() - t0) / 1e9 < 30, "probe took too long");
        if (!p.usable()) {
            assertFalse(p.reason().isBlank());
        }
    }

    @Test
    void cudaModeFailsAtStartUpOnAMachineWithoutAGpu() {
        DeviceProbe p = CudaProbe.probe();
        assumeFalse(p.usable(), "this machine has a usable CUDA device (" + p.describe()
                + "); the no-GPU start-up path is not testable here");
        CudaUnavailableException e = assertThrows(CudaUnavailableException.class,
                () -> Backends.create("cuda", ModelOptions.defaults().withThreads(1)));
        assertTrue(e.getMessage().contains("no usable CUDA device: " + p.reason()), e.getMessage());
    }

    @Test
    void autoModeRunsOnTheCpuOnAMachineWithoutAGpuAndSaysSo() {
        DeviceProbe p = CudaProbe.probe();
        assumeFalse(p.usable(), "this machine has a usable CUDA device (" + p.describe() + ")");
        Backends.Selected s = Backends.create("auto", ModelOptions.defaults().withThreads(1));
        try {
            assertEquals("cpu", s.choice().backend());
            assertTrue(s.backend().name().startsWith("cpu("), s.backend().name());
            assertTrue(s.choice().metric().contains("backend=\"cpu\""));
            assertEquals(p.reason(), s.choice().probe().reason());
        } finally {
            s.backend().close();
        }
    }
}

package io.mopao.cuda;

import io.mopao.cuda.runtime.CudaProbe;
import io.mopao.cuda.select.CudaUnavailableException;
import io.mopao.cuda.select.DeviceProbe;
import io.mopao.engine.model.Model;
import io.mopao.engine.model.ModelOptions;
import io.mopao.engine.sampling.SamplingParams;
import io.mopao.engine.serving.Completion;
import io.mopao.engine.serving.Engine;
import io.mopao.engine.serving.EngineConfig;
import io.mopao.engine.serving.FinishReason;
import io.mopao.engine.serving.GenerationRequest;
import io.mopao.engine.serving.bench.SyntheticModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The serving engine's backend wiring ({@link Backends#serving}) with the real device probe of the machine the test runs
 * on: {@code cpu} builds engines on the CPU runner; {@code auto} builds them on the device when the probe finds one and
 * on the CPU (with the probe's reason) otherwise; {@code cuda} without a device fails with the message, with one it
 * builds device runners. Nothing here is skipped: each branch asserts what the machine's probe implies.
 */
class ServingBackendsTest {
    @TempDir
    Path dir;

    private Completion generate(Backends.Serving serving, String expectedRunnerPrefix) {
        try (Model m = Model.load(SyntheticModel.tiny().write(dir.resolve("tiny.gguf")), ModelOptions.defaults().withThreads(1));
             Engine engine = new Engine(m, null, EngineConfig.defaults().withKvCacheTokens(512).withThreads(1), serving.runners())) {
            assertTrue(engine.runnerName().startsWith(expectedRunnerPrefix), engine.runnerName());
            return engine.submit(GenerationRequest.ofTokens("r", new int[] {1, 2, 3, 4}, SamplingParams.greedy().withMaxTokens(6)))
                    .completion().join();
        }
    }

    @Test
    void cpuBuildsEnginesOnTheCpuRunnerWithoutProbing() {
        Backends.Serving cpu = Backends.serving("cpu");
        assertEquals("cpu", cpu.choice().backend());
        assertEquals("configured backend=cpu", cpu.choice().reason());
        assertEquals("not probed (backend=cpu)", cpu.choice().probe().reason());
        Completion c = generate(cpu, "cpu(");
        assertEquals(FinishReason.LENGTH, c.reason());
        assertEquals(6, c.tokens().length);
    }

    @Test
    void autoFollowsTheProbeAndSaysWhy() {
        DeviceProbe p = CudaProbe.probe();
        Backends.Serving auto = Backends.serving("auto");
        if (p.usable()) {
            assertEquals("cuda", auto.choice().backend());
            assertEquals("backend=auto found " + p.describe(), auto.choice().reason());
            Completion onDevice = generate(auto, "cuda(");
            assertArrayEquals(generate(Backends.serving("cpu"), "cpu(").tokens(), onDevice.tokens());
        } else {
            assertEquals("cpu", auto.choice().backend());
            assertEquals("backend=auto found no usable CUDA device: " + p.reason(), auto.choice().reason());
            assertEquals(6, generate(auto, "cpu(").tokens().length);
        }
    }

    @Test
    void cudaFailsWithoutADeviceAndRunsOnOneWithIt() {
        DeviceProbe p = CudaProbe.probe();
        if (p.usable()) {
            Backends.Serving cuda = Backends.serving("cuda");
            assertEquals("cuda", cuda.choice().backend());
            assertEquals(6, generate(cuda, "cuda(").tokens().length);
        } else {
            CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> Backends.serving("cuda"));
            assertEquals("backend=cuda but no usable CUDA device: " + p.reason()
                    + ". Run on a machine with an NVIDIA driver and GPU, or set the backend to cpu or auto.", e.getMessage());
            assertTrue(e.getMessage().lines().count() == 1, "one line: " + e.getMessage());
        }
    }

    /** An engine asked to run on a device that is not usable fails to build; it never runs on the CPU instead. */
    @Test
    void anEngineOnAnUnusableDeviceFailsInsteadOfFallingBack() {
        DeviceProbe none = DeviceProbe.unusable("no device in this test");
        try (Model m = Model.load(SyntheticModel.tiny().write(dir.resolve("tiny.gguf")), ModelOptions.defaults().withThreads(1))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Engine(m, null,
                    EngineConfig.defaults().withKvCacheTokens(512).withThreads(1), CudaModelRunner.factory(none, 64)));
            assertEquals("no usable CUDA device: no device in this test", e.getMessage());
        }
    }

    @Test
    void anUnknownValueNamesTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.serving("gpu"));
        assertEquals("unknown backend 'gpu': use cpu, cuda or auto", e.getMessage());
    }
}

package io.mopao.cuda.kernels;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NvrtcOptionsTest {
    @Test
    void hopperCompilesToSm90WithIeeeMath() {
        NvrtcOptions o = new NvrtcOptions(9, 0, false);
        assertEquals("sm_90", o.arch());
        assertEquals(List.of("--gpu-architecture=sm_90", "--std=c++17", "--fmad=true", "--ftz=false", "--prec-div=true", "--prec-sqrt=true",
                "--device-as-default-execution-space"), o.toList());
        assertFalse(o.toList().contains("--use_fast_math"));
    }

    @Test
    void lineInfoIsOptional() {
        assertTrue(new NvrtcOptions(8, 6, true).toList().contains("--generate-line-info"));
        assertEquals("sm_86", new NvrtcOptions(8, 6, true).arch());
    }

    @Test
    void rejectsDevicesOlderThanAmpere() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NvrtcOptions(7, 5, false));
        assertTrue(e.getMessage().contains("7.5 is too old"), e.getMessage());
    }
}

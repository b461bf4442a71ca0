package io.mopao.cuda.kernels;

import io.mopao.engine.gguf.GgmlType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LaunchGeometryTest {
    @Test
    void matvecTilesBatchOnXAndRowGroupsOnY() {
        assertEquals(new Launch(1, 8000, 128, 0), LaunchGeometry.matvec(32000, 1));
        assertEquals(new Launch(2, 512, 128, 0), LaunchGeometry.matvec(2048, 32));
        assertEquals(new Launch(3, 513, 128, 0), LaunchGeometry.matvec(2049, 33));
        // Qwen-sized vocabularies still fit gridDim.y
        assertEquals(38_016, LaunchGeometry.matvec(152_064, 1).gridY());
        assertThrows(IllegalArgumentException.class, () -> LaunchGeometry.matvec(400_000, 1));
    }

    @Test
    void fusedKernelNeedsWholeLaneGroups() {
        assertTrue(LaunchGeometry.matvecSupports(GgmlType.F16, 172));
        assertFalse(LaunchGeometry.matvecSupports(GgmlType.F16, 171));
        assertTrue(LaunchGeometry.matvecSupports(GgmlType.Q4_K, 256));
        assertFalse(LaunchGeometry.matvecSupports(GgmlType.Q5_K, 256));
    }

    @Test
    void largeBatchesGoToCublas() {
        assertFalse(LaunchGeometry.useGemm(32, 64));
        assertTrue(LaunchGeometry.useGemm(64, 64));
        assertEquals(new Launch(65_536, 1, 256, 0), LaunchGeometry.dequant(32000L * 2048));
        assertEquals(new Launch(1, 1, 256, 0), LaunchGeometry.dequant(10));
    }

    @Test
    void decodeAttentionForFewPairsPrefillForMany() {
        assertTrue(LaunchGeometry.decodeAttention(32, 32, 64));
        assertFalse(LaunchGeometry.decodeAttention(256, 32, 64));
        assertEquals(new Launch(32, 7, 256, 0), LaunchGeometry.attentionDecode(7, 32));
        assertEquals(new Launch(2048, 1, 128, 0), LaunchGeometry.attentionPrefill(256, 32));
        assertEquals(new Launch(1, 1, 128, 0), LaunchGeometry.attentionPrefill(1, 3));
        assertThrows(IllegalArgumentException.class, () -> LaunchGeometry.decodeAttention(1, 8, 320));
    }

    @Test
    void elementwiseRopeAndCopies() {
        assertEquals(new Launch(4, 1, 256, 0), LaunchGeometry.elementwise(1000));
        assertEquals(new Launch(1, 1, 256, 0), LaunchGeometry.rope(1, 8, 32));
        assertEquals(new Launch(2, 1, 256, 0), LaunchGeometry.rope(2, 8, 32));
        assertEquals(new Launch(3, 44, 256, 0), LaunchGeometry.copyBlocks(3, 44));
        assertEquals(new Launch(5, 1, 256, 0), LaunchGeometry.perRow(5));
        assertThrows(IllegalArgumentException.class, () -> LaunchGeometry.elementwise(0));
    }
}

package io.mopao.cuda.kernels;

import io.mopao.engine.gguf.GgmlType;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelSourceTest {
    private final String src = KernelSource.generate();

    @Test
    void definesExactlyTheListedKernelsOnce() {
        Matcher m = Pattern.compile("extern \"C\" __global__ void (\\w+)\\(").matcher(src);
        java.util.List<String> found = new java.util.ArrayList<>();
        while (m.find()) {
            found.add(m.group(1));
        }
        assertEquals(KernelSource.kernelNames().stream().sorted().toList(), found.stream().sorted().toList());
    }

    @Test
    void everyTypeHasElementGroupMatvecEmbedAndDequant() {
        for (GgmlType t : KernelSource.TYPES) {
            String s = KernelSource.suffix(t);
            assertTrue(src.contains("float elem_" + s + "(const u8* row, int c)"), s);
            assertTrue(src.contains("void group_" + s + "(const u8* row, int g, float* v)"), s);
            assertTrue(src.contains("#define GS_" + s.toUpperCase(java.util.Locale.ROOT) + " " + KernelSource.groupSize(t)), s);
        }
        assertThrows(IllegalArgumentException.class, () -> KernelSource.suffix(GgmlType.Q5_K));
    }

    @Test
    void isSelfContainedBalancedTextWithoutFormatLeftovers() {
        assertFalse(src.contains("#include"), "NVRTC gets no headers");
        assertFalse(src.contains("%1$s") || src.contains("%2$s") || src.contains("%d") || src.contains("%%"), "unformatted placeholders");
        assertFalse(src.contains("\t"));
        assertFalse(src.contains("INFINITY") && !src.contains("NEG_INF"), "INFINITY needs math headers");
        assertEquals(count('{'), count('}'));
        assertEquals(count('('), count(')'));
        assertEquals(count('['), count(']'));
        assertTrue(src.contains("asm(\"cvt.f32.f16 %0, %1;\""), "half decode by PTX");
        assertTrue(src.contains("#define TILE " + KernelSource.TILE));
    }

    @Test
    void groupSizesDivideTheBlockLayouts() {
        for (GgmlType t : KernelSource.TYPES) {
            int gs = KernelSource.groupSize(t);
            assertTrue(t.blockSize() % gs == 0 || gs % t.blockSize() == 0, t.toString());
        }
        assertEquals(32, KernelSource.groupSize(GgmlType.Q4_K));
        assertEquals(2, KernelSource.groupSize(GgmlType.F16));
    }

    private long count(char c) {
        return src.chars().filter(x -> x == c).count();
    }
}

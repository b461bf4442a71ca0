package io.mopao.cuda.select;

import java.util.Locale;

/** Which backend the operator asked for: {@code cpu}, {@code cuda}, or {@code auto} (CUDA when a device is usable). */
public enum BackendMode {
    CPU, CUDA, AUTO;

    /**
     * @param value the configured value, case-insensitive ({@code cpu}, {@code cuda} or {@code auto})
     * @return the mode
     * @throws IllegalArgumentException naming the accepted values when {@code value} is none of them
     */
    public static BackendMode parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("backend is not set: use cpu, cuda or auto");
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "cpu" -> CPU;
            case "cuda" -> CUDA;
            case "auto" -> AUTO;
            default -> throw new IllegalArgumentException("unknown backend '" + value + "': use cpu, cuda or auto");
        };
    }

    /** @return the configuration spelling */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}

package io.mopao.engine.cli;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Hand-rolled {@code --name value} / {@code --flag} parsing; unknown options are errors a person can act on. */
final class Args {
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();

    private Args() {
    }

    /** Parses {@code args}; {@code valued} options take a value, {@code booleans} do not. */
    static Args parse(List<String> args, Set<String> valued, Set<String> booleans) {
        Args a = new Args();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg;
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            if (valued.contains(name)) {
                if (inline == null) {
                    if (i + 1 >= args.size()) {
                        throw new UsageException("option " + name + " needs a value");
                    }
                    inline = args.get(++i);
                }
                a.values.put(name, inline);
            } else if (booleans.contains(name) && inline == null) {
                a.flags.add(name);
            } else {
                throw new UsageException("unknown option '" + arg + "'");
            }
        }
        return a;
    }

    String string(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new UsageException("missing required option " + name);
        }
        return v;
    }

    String string(String name, String def) {
        return values.getOrDefault(name, def);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    int integer(String name, int def, int min) {
        String v = values.get(name);
        if (v == null) {
            return def;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min) {
                throw new UsageException(name + " must be at least " + min + ", got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be an integer, got '" + v + "'");
        }
    }

    long longValue(String name, long def) {
        String v = values.get(name);
        if (v == null) {
            return def;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be an integer, got '" + v + "'");
        }
    }

    float number(String name, float def, float min, float max) {
        String v = values.get(name);
        if (v == null) {
            return def;
        }
        try {
            float f = Float.parseFloat(v.trim());
            if (!(f >= min && f <= max)) {
                throw new UsageException(name + " must be between " + min + " and " + max + ", got " + v);
            }
            return f;
        } catch (NumberFormatException e) {
            throw new UsageException(name + " must be a number, got '" + v + "'");
        }
    }

    /** A command-line mistake; printed as one line with exit status 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}

package io.mopao.engine.cli;

import io.mopao.engine.gguf.GgufException;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/** The engine's command line: {@code generate} and {@code bench}. Errors are one line on stderr and a non-zero exit. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command; returns the exit status (0 ok, 1 bad model or I/O, 2 bad usage). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            err.println("usage: mopao-engine " + GenerateCommand.USAGE);
            err.println("       mopao-engine " + BenchCommand.USAGE);
            err.println("       mopao-engine " + RandomModelCommand.USAGE);
            err.println("       mopao-engine " + MemoryBandwidthCommand.USAGE);
            return args.length == 0 ? 2 : 0;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            return switch (args[0]) {
                case "generate" -> GenerateCommand.run(rest, out);
                case "bench" -> BenchCommand.run(rest, out);
                case "random-model" -> RandomModelCommand.run(rest, out);
                case "membw" -> MemoryBandwidthCommand.run(rest, out);
                default -> throw new Args.UsageException("unknown command '" + args[0]
                        + "' (commands: generate, bench, random-model, membw)");
            };
        } catch (Args.UsageException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (GgufException e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (UncheckedIOException e) {
            err.println("error: " + e.getCause().getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }
}

package io.mopao.events.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private, real Kafka broker (KRaft, one node) in a child process, for tests that must stop and restart a broker
 * without disturbing the shared one on 9092. It runs the same Maven Central jars that {@code ./mopao infra up} caches
 * in {@code ~/.cache/mopao/kafka-<version>/lib}.
 */
public final class KafkaBrokerProcess implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private Process process;
    /** Kills the broker when this JVM exits without closing it (Ctrl-C, a fork timeout): no orphaned test brokers. */
    private Thread reaper;

    public KafkaBrokerProcess(Path dir, int port, int controllerPort) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    /**
     * A broker on two ports free now (kept across {@link #kill()} and {@link #start()}), so that two test runs on one
     * machine do not meet on fixed ports.
     */
    public static KafkaBrokerProcess onFreePorts(Path dir) throws IOException {
        return new KafkaBrokerProcess(dir, freePort(), freePort());
    }

    /** @return a loopback port nothing listens on now */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** @return the client port */
    public int port() {
        return port;
    }

    /** The Kafka jars; fails with a clear message when {@code ./mopao infra up} has not fetched them. */
    public static Path libDir() {
        String cache = System.getenv().getOrDefault("MOPAO_CACHE_DIR", System.getProperty("user.home") + "/.cache/mopao");
        String version = System.getenv().getOrDefault("MOPAO_KAFKA_VERSION", "4.1.1");
        Path lib = Path.of(cache, "kafka-" + version, "lib");
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException("Kafka jars not found in " + lib + ": run ./mopao infra up (or ./mopao test) first");
        }
        return lib;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Formats the storage (first start only) and starts the broker; returns when it accepts connections. */
    public void start() throws IOException, InterruptedException {
        Path props = dir.resolve("server.properties");
        Path data = dir.resolve("data");
        if (!Files.exists(props)) {
            Files.createDirectories(data);
            Files.writeString(props, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + data,
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "") + "\n");
            run(List.of(java(), "-cp", libDir() + "/*", "kafka.tools.StorageTool", "format", "-t", "mopaoTestCluster00001A",
                "-c", props.toString()), Duration.ofSeconds(60));
        }
        process = new ProcessBuilder(java(), "-Xmx384m", "-cp", libDir() + "/*", "kafka.Kafka", props.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile()))
            .start();
        reaper = new Thread(process::destroyForcibly, "test-broker-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!accepts(port)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("test broker exited; see " + dir.resolve("broker.log"));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("test broker did not start in 180 s; see " + dir.resolve("broker.log"));
            }
            Thread.sleep(200);
        }
    }

    /** Kills the broker abruptly (SIGKILL), as a crashed broker would go. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            process = null;
            forgetReaper();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (accepts(port) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    private void forgetReaper() {
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
        reaper = null;
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private void run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("format.log").toFile())).start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("command failed: " + command + "; see " + dir.resolve("format.log"));
        }
    }
}

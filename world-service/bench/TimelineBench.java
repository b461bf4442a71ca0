import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop load generator for GET /api/timeline (loopback only). Each of C workers sends the next request when the
 * previous one answered, until N requests in total were sent or T seconds passed. Prints one Markdown table row set.
 *
 * <p>Usage: {@code java TimelineBench.java <baseUrl> <bearerToken> <concurrency> <maxRequests> <maxSeconds> <warmup>}
 */
public final class TimelineBench {

    /** Every answered page is checked: a page the service served from its PostgreSQL fallback is not a Redis read. */
    private static final String REDIS = "\"servedFrom\":\"redis\"";

    public static void main(String[] args) throws Exception {
        String base = args[0];
        if (!base.startsWith("http://127.0.0.1") && !base.startsWith("http://localhost")) {
            throw new IllegalArgumentException("loopback only: " + base);
        }
        String token = args[1];
        int concurrency = Integer.parseInt(args[2]);
        int maxRequests = Integer.parseInt(args[3]);
        long maxNanos = Duration.ofSeconds(Long.parseLong(args[4])).toNanos();
        int warmup = Integer.parseInt(args[5]);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/timeline?limit=20"))
            .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).GET().build();

        HttpResponse<String> first = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (first.statusCode() != 200) {
            throw new IllegalStateException("timeline returned HTTP " + first.statusCode() + ": " + first.body());
        }
        for (int i = 0; i < warmup; i++) {
            client.send(request, HttpResponse.BodyHandlers.ofString());
        }
        HttpResponse<String> check = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (!check.body().contains(REDIS)) {
            throw new IllegalStateException("after the warm-up the timeline is not served from Redis: " + check.body().substring(0, 200));
        }
        int items = check.body().split("\"id\":").length - 1;

        long[] latencies = new long[maxRequests];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger notRedis = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        CountDownLatch done = new CountDownLatch(concurrency);
        long start = System.nanoTime();
        long deadline = start + maxNanos;
        for (int w = 0; w < concurrency; w++) {
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (System.nanoTime() < deadline) {
                        int slot = next.getAndIncrement();
                        if (slot >= maxRequests) {
                            break;
                        }
                        long t0 = System.nanoTime();
                        try {
                            HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                            if (r.statusCode() != 200) {
                                errors.incrementAndGet();
                            } else if (!new String(r.body(), StandardCharsets.ISO_8859_1).contains(REDIS)) {
                                notRedis.incrementAndGet();
                            }
                            bytes.addAndGet(r.body().length);
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        }
                        latencies[slot] = System.nanoTime() - t0;
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        double seconds = (System.nanoTime() - start) / 1e9;
        int count = Math.min(next.get(), maxRequests);
        long[] sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        List<String> row = new ArrayList<>();
        row.add(Integer.toString(concurrency));
        row.add(Integer.toString(count));
        row.add(Integer.toString(errors.get()));
        row.add(String.format("%.1f", seconds));
        row.add(String.format("%.0f", count / seconds));
        row.add(ms(percentile(sorted, 50)));
        row.add(ms(percentile(sorted, 90)));
        row.add(ms(percentile(sorted, 99)));
        row.add(ms(sorted.length == 0 ? 0 : sorted[sorted.length - 1]));
        row.add(Integer.toString(items));
        row.add(notRedis.get() == 0 ? "redis" : "redis " + (count - errors.get() - notRedis.get()) + ", NOT redis " + notRedis.get());
        System.out.println("| readers | requests | errors | seconds | requests/s | p50 ms | p90 ms | p99 ms | max ms | items/page | served from |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        System.out.println("| " + String.join(" | ", row) + " |");
    }

    private static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.clamp(index, 0, sorted.length - 1)];
    }

    private static String ms(long nanos) {
        return String.format("%.2f", nanos / 1e6);
    }
}

package io.mopao.character.messaging;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.jboss.logging.Logger;

/**
 * A {@link Producer} for the outbox relay that sends one record at a time and waits for the broker's acknowledgement.
 * When a send fails or times out, it throws (so the relay's pass stops at that record), the underlying producer is
 * closed at once (its queued records are dropped, not sent later) and a fresh one is made for the next send.
 *
 * <p>Why: with several records in flight, a send that the relay gave up on can stay queued in the producer and reach
 * the broker after the relay has re-sent it and the records behind it, so a broker outage produced duplicates and
 * reordering on the compacted topic (seen in CharacterEventsTest: 1, 3, 2, 3 instead of 1, 2, 3). One record in flight
 * and nothing left queued after a failure keeps the topic in outbox order; characters change rarely, so one round trip
 * per event is affordable.
 */
final class SynchronousProducer implements InvocationHandler {

    private static final Logger LOG = Logger.getLogger(SynchronousProducer.class);

    private final Supplier<Producer<String, byte[]>> factory;
    private final Duration timeout;
    private Producer<String, byte[]> current;

    private SynchronousProducer(Supplier<Producer<String, byte[]>> factory, Duration timeout) {
        this.factory = factory;
        this.timeout = timeout;
    }

    @SuppressWarnings("unchecked")
    static Producer<String, byte[]> create(Supplier<Producer<String, byte[]>> factory, Duration timeout) {
        return (Producer<String, byte[]>) Proxy.newProxyInstance(Producer.class.getClassLoader(), new Class<?>[] {Producer.class},
            new SynchronousProducer(factory, timeout));
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "SynchronousProducer";
            };
        }
        if ("send".equals(method.getName())) {
            return send((ProducerRecord<String, byte[]>) args[0]);
        }
        if ("close".equals(method.getName())) {
            if (current != null) {
                current.close(args == null || args.length == 0 ? Duration.ofSeconds(5) : (Duration) args[0]);
                current = null;
            }
            return null;
        }
        try {
            return method.invoke(producer(), args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * Sends and waits for the acknowledgement. A failure is thrown (not returned as a failed future): the relay then
     * stops the pass at this record instead of sending the records behind it, and retries from here.
     */
    private CompletableFuture<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
        try {
            return CompletableFuture.completedFuture(producer().send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
            reset();
            throw new KafkaException("send failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            reset();
            throw new KafkaException("send not acknowledged within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reset();
            throw new KafkaException("interrupted while sending", e);
        } catch (RuntimeException e) {
            reset();
            throw e;
        }
    }

    private Producer<String, byte[]> producer() {
        if (current == null) {
            current = factory.get();
        }
        return current;
    }

    /** Drops the producer and whatever it still holds, so nothing the relay gave up on is sent later. */
    private void reset() {
        if (current != null) {
            LOG.debug("outbox producer: send failed; dropping the producer and its queued records");
            current.close(Duration.ZERO);
            current = null;
        }
    }
}

package io.mopao.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

class PartitionOffsetsTest {

    @Test
    void commitsOnlyUpToTheLowestUnfinishedOffset() {
        PartitionOffsets p = new PartitionOffsets(null);
        p.start(10);
        p.start(11);
        p.start(12);
        p.finish(11);
        p.finish(12);
        OffsetAndMetadata point = p.commitPoint();
        assertEquals(10, point.offset(), "10 still runs: nothing at or above it may be committed as consumed");
        assertEquals("done:11,12", point.metadata());
        p.committed(point);
        assertNull(p.commitPoint(), "nothing changed since the last commit");
        p.finish(10);
        assertEquals(new OffsetAndMetadata(13, ""), p.commitPoint());
    }

    @Test
    void nextOwnerSkipsWhatThePreviousOwnerFinishedAboveTheCommit() {
        PartitionOffsets next = new PartitionOffsets(new OffsetAndMetadata(10, "done:11,12"));
        assertTrue(next.start(10), "10 was not finished: it runs again");
        assertFalse(next.start(11), "11 was finished by the previous owner");
        assertFalse(next.start(12));
        assertTrue(next.start(13));
        assertNull(next.commitPoint(), "the committed point still holds");
        next.finish(10);
        next.finish(13);
        assertEquals(new OffsetAndMetadata(14, ""), next.commitPoint());
    }

    @Test
    void ignoresMetadataItDoesNotUnderstand() {
        PartitionOffsets p = new PartitionOffsets(new OffsetAndMetadata(5, "something else"));
        assertTrue(p.start(6));
    }
}

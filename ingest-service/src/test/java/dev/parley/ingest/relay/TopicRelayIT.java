package dev.parley.ingest.relay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.TokenChunk;
import dev.parley.ingest.kafka.KafkaClientConfigs;
import dev.parley.ingest.kafka.TopicLayout;
import dev.parley.ingest.support.FakeWorker;
import dev.parley.ingest.support.SharedKafka;
import dev.parley.schemas.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@DisplayName("The topic relay serves each watcher its session's records once, in order, from its own position")
@ExtendWith(SharedKafka.Extension.class)
class TopicRelayIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static FakeWorker worker;
    private TopicRelay<TokenChunk> relay;
    private String session;
    private int partition;

    /** Records what a watcher receives; can refuse records to act like a full client queue. */
    private static final class Recorder implements WatchListener<TokenChunk> {
        final List<Long> offsets = new CopyOnWriteArrayList<>();
        final AtomicReference<Long> start = new AtomicReference<>();
        final AtomicInteger receivedAtCaughtUp = new AtomicInteger(-1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile int refuseAfter = Integer.MAX_VALUE;

        @Override
        public void onStart(long startOffset) {
            start.set(startOffset);
        }

        @Override
        public boolean onRecord(long offset, TokenChunk value) {
            if (offsets.size() >= refuseAfter) {
                return false;
            }
            offsets.add(offset);
            return true;
        }

        @Override
        public void onCaughtUp() {
            receivedAtCaughtUp.set(offsets.size());
        }

        @Override
        public void onFailure(Throwable error) {
            failure.set(error);
        }
    }

    @BeforeAll
    static void startWorker() {
        worker = new FakeWorker(SharedKafka.get().clientConfig());
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    @BeforeEach
    void startRelay() {
        var config = SharedKafka.get().clientConfig();
        relay = new TopicRelay<>("test", Topics.TOKENS.name(),
                new KafkaConsumer<>(KafkaClientConfigs.relayConsumer(config, "relay-it", false)),
                new KafkaConsumer<>(KafkaClientConfigs.relayConsumer(config, "relay-it-offsets", false)),
                Topics.TOKENS.valueSerde(config).deserializer());
        session = UUID.randomUUID().toString();
        partition = TopicLayout.partitionFor(session, Topics.DEFAULT_PARTITIONS);
    }

    @AfterEach
    void stopRelay() {
        relay.close();
    }

    @Test
    @DisplayName("a newcomer at an older offset seeks the partition back; the watcher already served gets no duplicates")
    void seekBackWithoutDuplicates() {
        List<Long> early = write(3);
        Recorder live = new Recorder();
        relay.watch(session, partition, StartPosition.end(), false, live);
        await().atMost(TIMEOUT).until(() -> live.start.get() != null);
        List<Long> later = write(2);
        await().atMost(TIMEOUT).until(() -> live.offsets.size() == 2);

        Recorder newcomer = new Recorder();
        relay.watch(session, partition, StartPosition.atOffset(early.get(0)), false, newcomer);
        await().atMost(TIMEOUT).until(() -> newcomer.offsets.size() == 5);
        List<Long> last = write(1);

        await().atMost(TIMEOUT).until(() -> live.offsets.size() == 3 && newcomer.offsets.size() == 6);
        assertEquals(concat(later, last), live.offsets);
        assertEquals(concat(early, later, last), newcomer.offsets);
    }

    @Test
    @DisplayName("a newcomer whose session has nothing in what the relay already read starts where the relay is, "
            + "without a seek back, and still gets each of its records once")
    void newcomerWithoutRecordsSinceItsStart() {
        String other = sessionInSamePartition();
        Recorder live = new Recorder();
        relay.watch(other, partition, StartPosition.end(), false, live);
        await().atMost(TIMEOUT).until(() -> live.start.get() != null);
        long mark = live.start.get();
        List<Long> others = write(other, 3);
        await().atMost(TIMEOUT).until(() -> live.offsets.size() == 3);

        Recorder newcomer = new Recorder();
        relay.watch(session, partition, StartPosition.atOffset(mark), false, newcomer);
        await().atMost(TIMEOUT).until(() -> newcomer.start.get() != null);
        assertEquals(others.get(2) + 1, newcomer.start.get(), "starts after what the relay had read");

        Recorder otherNewcomer = new Recorder();
        relay.watch(other, partition, StartPosition.atOffset(mark), false, otherNewcomer);
        await().atMost(TIMEOUT).until(() -> otherNewcomer.offsets.size() == 3);
        assertEquals(mark, otherNewcomer.start.get(), "its session has records there: it starts where it asked");

        List<Long> own = write(session, 2);
        List<Long> more = write(other, 1);
        await().atMost(TIMEOUT).until(() -> newcomer.offsets.size() == 2 && live.offsets.size() == 4
                && otherNewcomer.offsets.size() == 4);
        assertEquals(own, newcomer.offsets);
        assertEquals(concat(others, more), live.offsets);
        assertEquals(concat(others, more), otherNewcomer.offsets);
    }

    @Test
    @DisplayName("a watcher that refuses a record is held there and, resumed, continues from it with no gap")
    void suspendAndResume() {
        Recorder slow = new Recorder();
        slow.refuseAfter = 2;
        Recorder other = new Recorder();
        Watch<TokenChunk> slowWatch = relay.watch(session, partition, StartPosition.end(), false, slow);
        relay.watch(session, partition, StartPosition.end(), false, other);
        await().atMost(TIMEOUT).until(() -> slow.start.get() != null && other.start.get() != null);

        List<Long> written = write(5);
        await().atMost(TIMEOUT).until(() -> other.offsets.size() == 5);
        assertEquals(written.subList(0, 2), slow.offsets);

        slow.refuseAfter = Integer.MAX_VALUE;
        slowWatch.resumeDelivery();

        await().atMost(TIMEOUT).until(() -> slow.offsets.size() == 5);
        assertEquals(written, slow.offsets);
        assertEquals(written, other.offsets);
    }

    @Test
    @DisplayName("caught-up is reported after every record up to the end offset at registration was delivered")
    void caughtUp() {
        List<Long> written = write(4);
        Recorder lookup = new Recorder();
        relay.watch(session, partition, StartPosition.atOffset(written.get(0)), true, lookup);
        await().atMost(TIMEOUT).until(() -> lookup.receivedAtCaughtUp.get() >= 0);
        assertEquals(4, lookup.receivedAtCaughtUp.get());

        Recorder fromNow = new Recorder();
        relay.watch(session, partition, StartPosition.end(), true, fromNow);
        await().atMost(TIMEOUT).until(() -> fromNow.receivedAtCaughtUp.get() == 0);
    }

    @Test
    @DisplayName("only partitions with watchers are assigned; the last watcher leaving unassigns the partition")
    void assignsOnlyWatchedPartitions() {
        assertEquals(Set.of(), relay.assignedPartitions());
        Recorder recorder = new Recorder();
        Watch<TokenChunk> watch = relay.watch(session, partition, StartPosition.end(), false, recorder);
        await().atMost(TIMEOUT).until(() -> relay.assignedPartitions().equals(Set.of(partition)));

        watch.cancel();

        await().atMost(TIMEOUT).until(() -> relay.assignedPartitions().isEmpty());
    }

    @Test
    @DisplayName("a start offset past the end of the partition fails the watcher")
    void offsetPastTheEnd() {
        Recorder recorder = new Recorder();
        relay.watch(session, partition, StartPosition.atOffset(Long.MAX_VALUE / 2), false, recorder);
        await().atMost(TIMEOUT).until(() -> recorder.failure.get() != null);
        assertTrue(recorder.failure.get() instanceof CursorOutOfRangeException, recorder.failure.get().toString());
        await().atMost(TIMEOUT).until(() -> relay.assignedPartitions().isEmpty());
    }

    private List<Long> write(int count) {
        return write(session, count);
    }

    private List<Long> write(String sessionId, int count) {
        String turnId = UUID.randomUUID().toString();
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(seq -> worker.chunk(sessionId, turnId, 1, seq, "t" + seq))
                .map(RecordMetadata::offset).toList();
    }

    private String sessionInSamePartition() {
        while (true) {
            String candidate = UUID.randomUUID().toString();
            if (TopicLayout.partitionFor(candidate, Topics.DEFAULT_PARTITIONS) == partition) {
                return candidate;
            }
        }
    }

    @SafeVarargs
    private static List<Long> concat(List<Long>... lists) {
        return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
    }
}

package dev.parley.postprocess.topology;

import dev.parley.postprocess.extract.ExtractiveSummarizer;
import dev.parley.postprocess.extract.RuleBasedCommitmentExtractor;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;

/** The production snapshot topology in a TopologyTestDriver, with the deterministic extractors. */
final class SnapshotTestDrivers {

    private SnapshotTestDrivers() {
    }

    /** A driver whose wall clock starts at {@code start}, state in a fresh temporary directory. */
    static TopologyTestDriver start(Map<String, Object> serdeConfig, String applicationId, Instant start)
            throws IOException {
        SnapshotUpdater updater = new SnapshotUpdater(8_000, 2_000, new ExtractiveSummarizer(),
            new RuleBasedCommitmentExtractor());
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("ttd").toString());
        return new TopologyTestDriver(PostprocessTopology.snapshots(serdeConfig, applicationId, updater), props, start);
    }
}

package dev.parley.postprocess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether one Streams application's local state (RocksDB under the state directory) was left by a clean stop. A
 * marker file, {@code <state dir>/<application id>.running}, exists from start until Streams has closed cleanly: found
 * at start, it means the last run was killed (SIGKILL, power loss, a close that timed out).
 *
 * <p>Why Parley tracks this instead of leaving it to Streams: under exactly-once, RocksDB may hold writes of a
 * transaction that never committed, so a store without a clean close is useless and Streams wipes and restores it
 * from its changelog. Kafka Streams 4.3.1 finds that out only when it initialises the task, as a
 * {@code TaskCorruptedException} that {@code TaskManager} logs at ERROR before handling it as the expected recovery
 * it is. Wiping the same state ourselves before {@code start()} does the same recovery without that path.
 */
final class LocalState {

    private final Path marker;

    private LocalState(Path marker) {
        this.marker = marker;
    }

    static LocalState of(Path stateDir, String applicationId) {
        return new LocalState(stateDir.resolve(applicationId + ".running"));
    }

    /** True when the last run on this state directory did not stop cleanly. */
    boolean leftByUncleanStop() {
        return Files.exists(marker);
    }

    /** Called before Streams starts: from here until {@link #stoppedCleanly()} a kill leaves the marker behind. */
    void starting() {
        try {
            Files.createDirectories(marker.getParent());
            if (!Files.exists(marker)) {
                Files.createFile(marker);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + marker, e);
        }
    }

    /** Called once Streams has closed cleanly: its stores are closed and their offsets written. */
    void stoppedCleanly() {
        try {
            Files.deleteIfExists(marker);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + marker, e);
        }
    }

    @Override
    public String toString() {
        return marker.toString();
    }
}

package dev.parley.postprocess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's static group member id ({@code group.instance.id}; Streams appends {@code -<thread>}). With it a
 * restarted instance takes its members' place in the groups at once, instead of waiting for the session timeout
 * of the members a killed process left behind. Unless {@value PostprocessConfig#INSTANCE_ID} names one, the id is
 * kept in the state directory ({@value #FILE}): stable across restarts on the same state, and different for every
 * instance, since each needs its own state directory anyway.
 */
final class InstanceId {

    static final String FILE = "parley-instance-id";
    private static final Logger LOG = LoggerFactory.getLogger(InstanceId.class);
    private static final Pattern STORED = Pattern.compile("postprocess-[0-9a-f-]{36}");

    private InstanceId() {
    }

    /** The configured id, the one kept in the state directory (made on first use), or null for none. */
    static String of(PostprocessConfig config) {
        if (PostprocessConfig.NO_INSTANCE_ID.equals(config.instanceId())) {
            return null;
        }
        return config.instanceId() != null ? config.instanceId() : stored(config.stateDir());
    }

    private static String stored(Path stateDir) {
        Path file = stateDir.resolve(FILE);
        try {
            if (Files.exists(file)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (STORED.matcher(id).matches()) {
                    return id;
                }
                LOG.warn("{} does not hold an instance id ({}); writing a new one", file, id);
            }
            String id = "postprocess-" + UUID.randomUUID();
            Files.createDirectories(stateDir);
            Path written = Files.writeString(Files.createTempFile(stateDir, FILE, ".tmp"), id + "\n");
            Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the instance id in " + file, e);
        }
    }
}

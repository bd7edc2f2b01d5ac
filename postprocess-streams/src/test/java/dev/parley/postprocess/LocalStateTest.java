package dev.parley.postprocess;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStateTest {

    @Test
    @DisplayName("state is left by an unclean stop from start until a clean stop, per application")
    void markedFromStartToCleanStop(@TempDir Path stateDir) {
        LocalState snapshots = LocalState.of(stateDir, "app");
        LocalState embeddings = LocalState.of(stateDir, "app-embeddings");
        assertFalse(snapshots.leftByUncleanStop(), "a first start");
        snapshots.starting();
        assertTrue(LocalState.of(stateDir, "app").leftByUncleanStop(), "what a start after a kill finds");
        assertFalse(embeddings.leftByUncleanStop());
        snapshots.starting();
        snapshots.stoppedCleanly();
        assertFalse(LocalState.of(stateDir, "app").leftByUncleanStop());
    }
}

package dev.parley.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryLockTest {

    @Test
    @DisplayName("a taken directory refuses a second taker with the given line until it is given back; "
        + "lock files of other names are separate locks")
    void takenUntilClosed(@TempDir Path dir) {
        Path data = dir.resolve("data");
        try (DirectoryLock first = DirectoryLock.take(data, "data in use")) {
            IllegalStateException second = assertThrows(IllegalStateException.class,
                () -> DirectoryLock.take(data, "data in use"));
            assertEquals("data in use", second.getMessage());
            DirectoryLock.take(data, "app.lock", "app in use").close();
        }
        DirectoryLock.take(data, "data in use").close();
    }
}

package dev.parley.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A directory taken by one process for as long as it runs (an OS lock on {@code parley.lock} in it), before anything
 * else touches the directory: a second Parley process on the same data or state directory stops at once with one
 * line saying so, instead of damaging the first one's files or failing later in a library's own lock. The OS drops
 * the lock when the process dies, so a kill never leaves it behind.
 */
public final class DirectoryLock implements AutoCloseable {

    static final String FILE = "parley.lock";

    private final FileChannel channel;

    private DirectoryLock(FileChannel channel) {
        this.channel = channel;
    }

    /**
     * Takes {@code dir} (created if missing) for this process.
     *
     * @param inUse the one-line failure when another process (or this one) already holds it
     * @throws IllegalStateException with {@code inUse} when the directory is taken
     */
    public static DirectoryLock take(Path dir, String inUse) {
        return take(dir, FILE, inUse);
    }

    /**
     * Like {@link #take(Path, String)}, with a lock file of its own name: for a directory several users share, each
     * taking its part of it (e.g. one Streams application's state in a state directory).
     */
    public static DirectoryLock take(Path dir, String lockFile, String inUse) {
        Path file = dir.resolve(lockFile);
        try {
            Files.createDirectories(dir);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock taken;
            try {
                taken = channel.tryLock();
            } catch (OverlappingFileLockException sameJvm) {
                taken = null;
            }
            if (taken == null) {
                channel.close();
                throw new IllegalStateException(inUse);
            }
            return new DirectoryLock(channel);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file, e);
        }
    }

    /** Gives the directory back; never fails (a lock that cannot be released is released when the process ends). */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the OS releases the lock with the process
        }
    }
}

package dev.parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident memory from {@code /proc/self/status}: VmRSS now and VmHWM, the peak. The bench runs in the
 * JVM of Maven's exec:java with every Parley service and its own clients, so both cover all of them.
 */
record ProcessMemory(long rssKb, long peakRssKb) {

    /** -1 for a figure the system does not give (not Linux). */
    static ProcessMemory read() {
        try {
            long rss = -1;
            long peak = -1;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kilobytes(line);
                } else if (line.startsWith("VmHWM:")) {
                    peak = kilobytes(line);
                }
            }
            return new ProcessMemory(rss, peak);
        } catch (IOException | RuntimeException notLinux) {
            return new ProcessMemory(-1, -1);
        }
    }

    private static long kilobytes(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    String describe() {
        return String.format("VmRSS %d MiB, VmHWM (peak) %d MiB", rssKb / 1024, peakRssKb / 1024);
    }
}

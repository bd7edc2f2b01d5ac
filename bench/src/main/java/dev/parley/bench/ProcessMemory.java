package dev.parley.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's resident memory from {@code /proc/self/status}: VmRSS now and VmHWM, the peak; and the Java heap in
 * use and committed now, and its limit, which most of the resident memory is. The bench runs in the JVM of Maven's
 * exec:java with every Parley service and its own clients, so all of them are in these figures.
 */
record ProcessMemory(long rssKb, long peakRssKb, long heapUsedMb, long heapCommittedMb, long heapMaxMb) {

    /** -1 for a figure the system does not give (not Linux). */
    static ProcessMemory read() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long[] rss = residentKb();
        return new ProcessMemory(rss[0], rss[1], heap.getUsed() >> 20, heap.getCommitted() >> 20, heap.getMax() >> 20);
    }

    private static long[] residentKb() {
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
            return new long[] {rss, peak};
        } catch (IOException | RuntimeException notLinux) {
            return new long[] {-1, -1};
        }
    }

    private static long kilobytes(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    String describe() {
        return String.format("VmRSS %d MiB, VmHWM (peak) %d MiB; Java heap %d MiB used, %d MiB committed, %d MiB "
            + "limit", rssKb / 1024, peakRssKb / 1024, heapUsedMb, heapCommittedMb, heapMaxMb);
    }
}

package io.heomdm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's TCP counters, machine-wide (Linux /proc/net): segments retransmitted, and segments
 * dropped because a socket's receive buffer was full. On loopback both stay near zero. A dropped
 * segment costs its connection a retransmission timeout of at least 200 ms, which shows as a
 * latency tail that no transport setting explains: a Kafka consumer's fixed 64 KB receive buffer
 * did that here, several times a second at 25k events/s. Elsewhere than Linux they read zero.
 */
record TcpCounters(long retransmitted, long receiveBufferDrops) {
    static final TcpCounters NONE = new TcpCounters(0, 0);

    static TcpCounters read() {
        return parse(read(Path.of("/proc/net/snmp")), read(Path.of("/proc/net/netstat")));
    }

    static TcpCounters parse(String snmp, String netstat) {
        return new TcpCounters(field(snmp, "Tcp:", "RetransSegs"), field(netstat, "TcpExt:", "TCPRcvQDrop"));
    }

    /** What was counted between {@code before} and this reading. */
    TcpCounters since(TcpCounters before) {
        return new TcpCounters(retransmitted - before.retransmitted, receiveBufferDrops - before.receiveBufferDrops);
    }

    TcpCounters plus(TcpCounters other) {
        return new TcpCounters(retransmitted + other.retransmitted, receiveBufferDrops + other.receiveBufferDrops);
    }

    /** A counter from /proc/net's layout: a line of names, then a line of values, both starting with {@code prefix}. */
    private static long field(String text, String prefix, String name) {
        String[] lines = text.split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith(prefix) && lines[i + 1].startsWith(prefix)) {
                String[] names = lines[i].trim().split("\\s+");
                String[] values = lines[i + 1].trim().split("\\s+");
                for (int k = 1; k < Math.min(names.length, values.length); k++) {
                    if (names[k].equals(name)) {
                        return Long.parseLong(values[k]);
                    }
                }
                i++;
            }
        }
        return 0;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return ""; // not Linux
        }
    }
}

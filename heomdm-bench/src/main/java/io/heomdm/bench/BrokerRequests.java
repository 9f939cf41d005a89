package io.heomdm.bench;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The requests an in-process broker has answered, per request type (Produce, Fetch, AddPartitionsToTxn,
 * WriteTxnMarkers, ...), read from its own metrics ({@code kafka.network:type=RequestMetrics,name=RequestsPerSec}):
 * a broker's CPU follows its requests more than its bytes. Empty when no broker runs in this JVM.
 */
public final class BrokerRequests {
    private BrokerRequests() {
    }

    /** Requests answered so far, per type; the consumer and follower fetches counted together as Fetch. */
    public static Map<String, Long> snapshot() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Map<String, Long> counts = new TreeMap<>();
        try {
            for (ObjectName name : server.queryNames(new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*"), null)) {
                Object count = server.getAttribute(name, "Count");
                if (count instanceof Number n && n.longValue() > 0) {
                    counts.merge(name.getKeyProperty("request"), n.longValue(), Long::sum);
                }
            }
        } catch (JMException e) {
            return Map.of();
        }
        return counts;
    }

    /** Requests per second between two snapshots, per type that had any. */
    public static Map<String, Double> perSecond(Map<String, Long> before, Map<String, Long> after, long elapsedNanos) {
        Map<String, Double> rates = new TreeMap<>();
        after.forEach((type, n) -> {
            long d = n - before.getOrDefault(type, 0L);
            if (d > 0) {
                rates.put(type, d / (elapsedNanos / 1e9));
            }
        });
        return rates;
    }
}

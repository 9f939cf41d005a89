package io.heomdm.app;

import io.heomdm.analytics.Analytics;
import io.heomdm.decisions.Decisions;
import io.heomdm.decisions.OrderConfirmation;
import io.heomdm.campaigns.BudgetSaga;
import io.heomdm.campaigns.Campaigns;
import io.heomdm.campaigns.DeliveryDispatcher;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The platform's services as {@code heomdm bench platform} sees them: their consumer groups, and the threads that work for each. */
final class PlatformServices {
    /** The consumer groups of the platform's services, by the name the report gives them. */
    static final Map<String, String> GROUPS = groups();

    private PlatformServices() {
    }

    private static Map<String, String> groups() {
        Map<String, String> groups = new LinkedHashMap<>();
        groups.put("customers", Analytics.CUSTOMERS_APPLICATION_ID);
        groups.put("demand", Analytics.DEMAND_APPLICATION_ID);
        groups.put("decisions", Decisions.APPLICATION_ID);
        groups.put("campaigns", Campaigns.APPLICATION_ID);
        groups.put("order-confirmation", OrderConfirmation.CONSUMER_GROUP);
        groups.put("dispatcher", DeliveryDispatcher.CONSUMER_GROUP);
        groups.put("budget-saga", BudgetSaga.CONSUMER_GROUP);
        return groups;
    }

    /** Which service a thread works for, by its name (JVM threads by the 15 characters Linux keeps). */
    static String serviceOf(String thread) {
        if (thread.startsWith("C1 CompilerThre") || thread.startsWith("C2 CompilerThre")) {
            return "JIT compilers";
        }
        if (thread.startsWith("GC Thread") || thread.startsWith("G1 ") || thread.startsWith("VM ")) {
            return "GC and VM";
        }
        for (var group : List.of(Analytics.DEMAND_APPLICATION_ID, Analytics.CUSTOMERS_APPLICATION_ID, Decisions.APPLICATION_ID, Campaigns.APPLICATION_ID)) {
            if (thread.contains(group)) {
                return GROUPS.entrySet().stream().filter(e -> e.getValue().equals(group)).findFirst().orElseThrow().getKey();
            }
        }
        if (thread.contains("heomdm-bench-feed") || thread.equals("market-feed") || thread.startsWith("HttpClient")) {
            return "load generator";
        }
        if (thread.contains("order-confirmation") || thread.contains("campaigns.dispatcher") || thread.contains("budget-saga")) {
            return "subscribers";
        }
        if (thread.startsWith("receiver-") || thread.startsWith("share-poller-") || thread.startsWith("share-worker-") || thread.startsWith("heartbeat-") || thread.startsWith("sqs-") || thread.startsWith("aws-java-sdk")
                || thread.startsWith("smtp") || thread.startsWith("worker-") || thread.startsWith("handler-")) {
            return "task workers";
        }
        if (thread.startsWith("elasticmq") || thread.contains("/sqs/")) {
            return "SQS server";
        }
        if (thread.startsWith("qtp") || thread.startsWith("Jetty") || thread.endsWith("| heomdm")) {
            return "gateway";
        }
        if (thread.startsWith("outbox") || thread.startsWith("H2 ") || thread.contains("MVStore") || thread.startsWith("HikariPool")) {
            return "database";
        }
        if (thread.startsWith("bench-") || thread.contains("| adminclient") || thread.contains("| bench-") || thread.startsWith("effects")) {
            return "bench";
        }
        if (thread.startsWith("kafka-") || thread.startsWith("data-plane") || thread.startsWith("broker-") || thread.startsWith("controller-")
                || thread.startsWith("group-coordinator") || thread.startsWith("share-") || thread.startsWith("quorum-") || thread.startsWith("raft-")
                || thread.startsWith("ExpirationReaper") || thread.startsWith("TxnMarker") || thread.startsWith("AddPartitionsToTxn")
                || thread.startsWith("transaction-") || thread.startsWith("executor-") || thread.startsWith("persister") || thread.startsWith("Persister")
                || thread.startsWith("LogDir") || thread.startsWith("client-metrics") || thread.startsWith("network-partition")) {
            return "Kafka broker";
        }
        return "other";
    }
}

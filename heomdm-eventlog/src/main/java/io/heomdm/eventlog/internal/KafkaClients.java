package io.heomdm.eventlog.internal;

import io.heomdm.eventlog.KafkaSettings;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/** Client properties common to every HEOMDM Kafka client. */
public final class KafkaClients {
    private KafkaClients() {
    }

    public static Map<String, Object> base(KafkaSettings kafka, String clientId) {
        Map<String, Object> props = new HashMap<>(kafka.clientProperties());
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return props;
    }
}

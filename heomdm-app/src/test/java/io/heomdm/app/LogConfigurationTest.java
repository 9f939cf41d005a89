package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Objects;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the platform's own log configuration (src/main/resources/log4j2.xml) lets through. */
class LogConfigurationTest {
    private LoggerContext context;

    @AfterEach
    void stop() {
        if (context != null) {
            Configurator.shutdown(context);
        }
    }

    @Test
    void aBrokersDeathIsABurstOfWarningsThenOneEveryFiveSecondsNotOnePerClientPerReconnect() throws Exception {
        context = Configurator.initialize("log-configuration-test", getClass().getClassLoader(),
                Objects.requireNonNull(getClass().getClassLoader().getResource("log4j2.xml")).toURI());
        for (String logger : new String[] {"org.apache.kafka.clients.NetworkClient", "org.apache.kafka.clients.consumer.internals.ConsumerCoordinator"}) {
            var config = context.getConfiguration().getLoggerConfig(logger);
            int passed = 0;
            for (int i = 0; i < 200; i++) { // twenty clients reconnecting every second for ten seconds, at once
                var event = org.apache.logging.log4j.core.impl.Log4jLogEvent.newBuilder().setLoggerName(logger).setLevel(Level.WARN)
                        .setMessage(new SimpleMessage("Connection to node 1 (/127.0.0.1:9092) could not be established. Node may not be available.")).build();
                if (config.getFilter() == null || config.getFilter().filter(event) != Filter.Result.DENY) {
                    passed++;
                }
            }
            assertThat(passed).as(logger).isBetween(1, 11);
            var error = org.apache.logging.log4j.core.impl.Log4jLogEvent.newBuilder().setLoggerName(logger).setLevel(Level.ERROR)
                    .setMessage(new SimpleMessage("fatal")).build();
            assertThat(config.getFilter().filter(error)).as("errors are never held back").isNotEqualTo(Filter.Result.DENY);
        }
    }
}

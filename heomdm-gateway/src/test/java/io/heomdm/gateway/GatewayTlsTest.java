package io.heomdm.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.heomdm.eventlog.KafkaEventPublisher;
import io.heomdm.eventlog.KafkaSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayTlsTest {
    @Test
    void withAKeyStoreTheApiSpeaksHttpsOnly(@TempDir Path dir) throws Exception {
        Path keyStore = dir.resolve("api.p12");
        var keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair", "-alias", "api",
                "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", "test-pass", "-keypass", "test-pass")
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor()).as(new String(keytool.getInputStream().readAllBytes())).isZero();

        try (var nowhere = new KafkaEventPublisher(new KafkaSettings("127.0.0.1:1", Map.of(), Duration.ofMillis(300), (short) 1, 1), "tls-test");
                var gateway = new Gateway(GatewaySettings.local(0, 10_000, 5, Duration.ofMillis(300), 4)
                        .withTls(new GatewaySettings.Tls(keyStore, "test-pass")), TestBackends.with(nowhere),
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new SplittableRandom(3))) {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                trusted.load(in, "test-pass".toCharArray());
            }
            var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            var ssl = SSLContext.getInstance("TLS");
            ssl.init(null, trust.getTrustManagers(), null);
            var https = HttpClient.newBuilder().sslContext(ssl).build();
            var health = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + gateway.port() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\"");
            try {
                var plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + gateway.port() + "/health"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(plain.statusCode()).as("plain HTTP on the TLS port is refused").isEqualTo(400);
            } catch (java.io.IOException refused) {
                // or the connection is closed: either way nothing is served in plain text
            }
        }
    }
}

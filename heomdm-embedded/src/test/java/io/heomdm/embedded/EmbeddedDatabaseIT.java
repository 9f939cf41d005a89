package io.heomdm.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded database's AUTO_SERVER answers on loopback only, not on the machine's other addresses. */
class EmbeddedDatabaseIT {
    @Test
    void theAutoServerListensOnLoopbackOnly(@TempDir Path dir) throws Exception {
        var db = EmbeddedDatabase.inDirectory(dir);
        try (var connection = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            assertThat(connection.isValid(2)).isTrue();
            var lock = new Properties();
            try (InputStream in = Files.newInputStream(dir.resolve("heomdm.lock.db"))) {
                lock.load(in);
            }
            String server = lock.getProperty("server");
            int port = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
            try (var local = new Socket()) {
                local.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
            var external = NetworkInterface.networkInterfaces().filter(i -> !isLoopback(i)).flatMap(NetworkInterface::inetAddresses)
                    .filter(a -> a instanceof Inet4Address).findFirst();
            assertThat(external).as("a non-loopback address to try (the CI machine has one)").isPresent();
            assertThatThrownBy(() -> {
                try (var remote = new Socket()) {
                    remote.connect(new InetSocketAddress(external.get(), port), 2000);
                }
            }).as("H2's server on " + external.get()).isInstanceOf(IOException.class);
        }
    }

    private static boolean isLoopback(NetworkInterface i) {
        try {
            return i.isLoopback() || !i.isUp();
        } catch (java.net.SocketException e) {
            return true;
        }
    }
}

package io.heomdm.embedded.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port checks done before a server binds: an in-process Kafka broker that fails to bind halts the whole JVM. */
public final class Ports {
    private Ports() {
    }

    /** {@code port} itself when it is free, a free ephemeral port when it is 0; otherwise a clear error. */
    public static int claim(int port, String what) {
        if (port == 0) {
            return free();
        }
        if (!isFree(port)) {
            throw new IllegalStateException(what + ": port " + port + " on 127.0.0.1 is already in use; choose another port, or 0 for any free one");
        }
        return port;
    }

    public static int free() {
        return free(1)[0];
    }

    /**
     * {@code count} distinct free ports. Each is held until all are chosen: the kernel may hand out a
     * port it has just seen closed again, and two calls to {@link #free()} once gave a broker the same
     * port for its client and controller listeners.
     */
    public static int[] free(int count) {
        var held = new java.util.ArrayList<ServerSocket>();
        try {
            for (int i = 0; i < count; i++) {
                held.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return held.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException e) {
                    // it was only held to keep its port from the next one
                }
            }
        }
    }

    public static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static boolean isListening(int port) {
        try (var socket = new java.net.Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

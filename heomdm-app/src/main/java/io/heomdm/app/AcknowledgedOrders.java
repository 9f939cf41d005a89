package io.heomdm.app;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The orders the soak had acknowledged, one line each (customer, eventId, total), in each customer's order: in a file,
 * not the heap, since the heap is what the soak measures.
 */
final class AcknowledgedOrders implements AutoCloseable {
    private final Path file;
    private final BufferedWriter out;

    AcknowledgedOrders(Path file) throws IOException {
        this.file = file;
        this.out = Files.newBufferedWriter(file);
    }

    synchronized void add(String customer, ExactlyOnceCheck.Order order) {
        try {
            out.write(customer + "\t" + order.eventId() + "\t" + order.total().toPlainString() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Map<String, List<ExactlyOnceCheck.Order>> read() throws IOException {
        Map<String, List<ExactlyOnceCheck.Order>> orders = new HashMap<>();
        try (var lines = Files.lines(file)) {
            lines.map(l -> l.split("\t")).forEach(f -> orders.computeIfAbsent(f[0], k -> new ArrayList<>())
                    .add(new ExactlyOnceCheck.Order(f[1], new BigDecimal(f[2]))));
        }
        return orders;
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}

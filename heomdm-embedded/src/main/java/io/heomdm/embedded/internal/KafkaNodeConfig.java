package io.heomdm.embedded.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;

/**
 * The configuration of one combined broker+controller KRaft node, and the one-time storage
 * format every KRaft node needs before its first start.
 */
public record KafkaNodeConfig(int nodeId, int brokerPort, int controllerPort, Path dir, List<KafkaNodeConfig.Voter> voters,
        Optional<String> adminPassword) {

    /** A node without authentication. */
    public KafkaNodeConfig(int nodeId, int brokerPort, int controllerPort, Path dir, List<KafkaNodeConfig.Voter> voters) {
        this(nodeId, brokerPort, controllerPort, dir, voters, Optional.empty());
    }

    public record Voter(int nodeId, int controllerPort) {
    }

    /** The SASL mechanism of a secured node; the admin user is its super user and inter-broker principal. */
    public static final String SCRAM = "SCRAM-SHA-512";
    public static final String ADMIN_USER = "admin";

    public Properties properties(int replicationFactor) {
        Properties p = new Properties();
        p.put("node.id", String.valueOf(nodeId));
        p.put("process.roles", "broker,controller");
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.quorum.voters", voters.stream()
                .map(v -> v.nodeId() + "@127.0.0.1:" + v.controllerPort())
                .collect(Collectors.joining(",")));
        adminPassword.ifPresent(password -> {
            // clients and brokers authenticate with SCRAM and are authorised by ACLs; the controller listener (loopback,
            // the node talking to itself) stays plain and its principal is a super user, as KRaft needs
            p.put("listeners", "SASL_PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "SASL_PLAINTEXT://127.0.0.1:" + brokerPort);
            p.put("inter.broker.listener.name", "SASL_PLAINTEXT");
            p.put("listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.put("sasl.enabled.mechanisms", SCRAM);
            p.put("sasl.mechanism.inter.broker.protocol", SCRAM);
            p.put("listener.name.sasl_plaintext." + SCRAM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config", jaas(ADMIN_USER, password));
            p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            p.put("allow.everyone.if.no.acl.found", "false");
            p.put("super.users", "User:" + ADMIN_USER + ";User:ANONYMOUS");
        });
        p.put("log.dirs", dir.resolve("data").toString());
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "false");
        String rf = String.valueOf(replicationFactor);
        String minIsr = String.valueOf(Math.min(2, replicationFactor));
        p.put("offsets.topic.replication.factor", rf);
        p.put("transaction.state.log.replication.factor", rf);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("share.coordinator.state.topic.replication.factor", rf);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        p.put("min.insync.replicas", minIsr);
        p.put("default.replication.factor", rf);
        // a laptop or CI box: no reason to wait for more group members, nor to keep deleted segments a minute
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("file.delete.delay.ms", "1000");
        // a transaction past its timeout is aborted within a second of it instead of within 10 s (Kafka's sweep): what a
        // crashed Streams thread had open holds read_committed readers no longer than its timeout
        p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        // share groups (Kafka queues): allow the short record locks that tests and a laptop use
        p.put("group.share.min.record.lock.duration.ms", "1000");
        // failover: a broker that missed 2 s of heartbeats (sent every 0.4 s) is fenced by the controller and its
        // leaderships move, so writes resume in about 3 s instead of 10 (Kafka's 9 s session); the controllers
        // notice a dead active controller after 1 s without its fetches (Kafka: 2 s) and elect another within
        // 0.5-1 s. The price: a broker or controller paused that long (a long GC, a starved machine) is fenced or
        // replaced too, and rejoins by itself. A single node has nowhere to fail over to and keeps Kafka's defaults.
        if (replicationFactor > 1) {
            p.put("broker.session.timeout.ms", "2000");
            p.put("broker.heartbeat.interval.ms", "400");
            p.put("controller.quorum.fetch.timeout.ms", "1000");
            p.put("controller.quorum.election.timeout.ms", "500");
            // a broker back from a failure leads nothing until the controller moves its preferred leaderships back,
            // and that move (coordinators included) stalls every transactional client for about 5 s. Kafka checks
            // every 300 s from the active controller's start, so the stall came minutes after the return, at no
            // moment tied to it (the soak's "five-minute blips"); checked every 10 s, it is part of the return.
            p.put("leader.imbalance.check.interval.seconds", "10");
        }
        // a dead member of a share group or of a consumer-protocol group (KIP-848) is noticed in 6 s instead of 45 s;
        // its heartbeats come every 2 s from a thread of their own, so only a process stalled 6 s is taken for dead
        for (String group : List.of("share", "consumer")) {
            p.put("group." + group + ".session.timeout.ms", "6000");
            p.put("group." + group + ".min.session.timeout.ms", "6000");
            p.put("group." + group + ".heartbeat.interval.ms", "2000");
            p.put("group." + group + ".min.heartbeat.interval.ms", "1000");
        }
        // socket buffers sized by the kernel: Kafka's fixed 100 KB overflows on loopback (64 KB segments)
        p.put("socket.send.buffer.bytes", "-1");
        p.put("socket.receive.buffer.bytes", "-1");
        return p;
    }

    /** Formats the node's storage unless it already is; the cluster id is kept beside it so restarts reuse it. */
    public Path format(String clusterId, int replicationFactor) {
        try {
            Files.createDirectories(dir);
            Path props = dir.resolve("server.properties");
            try (Writer w = Files.newBufferedWriter(props)) {
                properties(replicationFactor).store(w, "HEOMDM embedded Kafka node " + nodeId);
            }
            var captured = new ByteArrayOutputStream();
            // transactions v1: under v2 (the 4.x default) a Streams producer whose next transaction's first batch
            // is refused CONCURRENT_TRANSACTIONS (the last one's markers still being written) can then retry its
            // later batches for ever on OUT_OF_ORDER_SEQUENCE_NUMBER ("expected sequence 0 ... no existing
            // state", KAFKA-18202): seen here as an application that stops taking in records
            List<String> args = new java.util.ArrayList<>(List.of("format", "-t", clusterId, "-c", props.toString(), "--ignore-formatted",
                    "--feature", "transaction.version=1"));
            // the admin's SCRAM credential is written with the metadata: it must exist before the first broker authenticates
            adminPassword.ifPresent(password -> args.addAll(List.of("--add-scram", SCRAM + "=[name=" + ADMIN_USER + ",password=" + password + "]")));
            int rc = StorageTool.execute(args.toArray(String[]::new), new PrintStream(captured, true, StandardCharsets.UTF_8));
            if (rc != 0) {
                throw new IllegalStateException("formatting Kafka storage in " + dir + " failed: " + captured);
            }
            return props;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client's or broker's JAAS line for SCRAM. */
    public static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";";
    }

    /** The cluster id stored under {@code root}, created on first use. */
    public static String clusterId(Path root) {
        try {
            Files.createDirectories(root);
            Path file = root.resolve("cluster.id");
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            String id = Uuid.randomUuid().toString();
            Files.writeString(file, id);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

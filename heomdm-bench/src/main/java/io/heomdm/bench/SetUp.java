package io.heomdm.bench;

/** The four set-ups the harness compares: only where events and tasks travel differs. */
public enum SetUp {
    KAFKA_ONLY("kafka-only", "Kafka topics", "Kafka topics"),
    SQS_ONLY("sqs-only", "SQS queues (one per consuming service)", "SQS queues"),
    HYBRID("hybrid", "Kafka topics", "SQS queues"),
    KAFKA_QUEUES("kafka-queues", "Kafka topics", "Kafka share groups");

    private final String id;
    private final String events;
    private final String tasks;

    SetUp(String id, String events, String tasks) {
        this.id = id;
        this.events = events;
        this.tasks = tasks;
    }

    public String id() {
        return id;
    }

    public String events() {
        return events;
    }

    public String tasks() {
        return tasks;
    }

    public boolean usesSqs() {
        return this == SQS_ONLY || this == HYBRID;
    }

    public static SetUp of(String id) {
        for (SetUp s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no set-up " + id + "; the set-ups are kafka-only, sqs-only, hybrid, kafka-queues");
    }
}

package io.heomdm.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration, read from YAML with environment overrides ({@link ConfigLoader}) and validated at start-up:
 * {@link #problems()} names each wrong setting and what is allowed.
 *
 * <p>Each setting is declared once: its type and rule here (Bean Validation constraints, enums for closed sets), its default and
 * description in {@code heomdm-defaults.yaml}; {@link ConfigReference} joins the two into docs/configuration-reference.md. Rules
 * that tie two settings together are code, in {@link ConfigRules} and the areas' {@code check} methods.
 */
public record HeomdmConfig(@NotBlank(message = "must be a directory path") String dataDir, @NotNull(message = SET) @Valid Http http,
        @NotNull(message = SET) @Valid Kafka kafka, @NotNull(message = SET) @Valid Sqs sqs, @NotNull(message = SET) @Valid Database database,
        @NotNull(message = SET) @Valid Smtp smtp, @NotNull(message = SET) @Valid Notifications notifications, @NotNull(message = SET) @Valid Crm crm,
        @NotNull(message = SET) @Valid Workers workers, @NotNull(message = SET) @Valid Tasks tasks,
        @NotNull(message = SET) @Valid AnalyticsConfig analytics, @NotNull(message = SET) @Valid DecisionsConfig decisions,
        @NotNull(message = SET) @Valid CampaignsConfig campaigns, @NotNull(message = SET) @Valid Archive archive) {

    /** The rule of a setting that has no default of null: the rules that read it across settings need it. */
    static final String SET = "must be set";

    /** An optional web address: the constraint every outbound URL setting shares. */
    static final String URL_OR_EMPTY = "|https?://\\S+";
    static final String URL_OR_EMPTY_RULE = "must be an http(s) URL, or empty";

    public record Http(String host, @Between(min = 0, max = 65535) int port, @Between(min = 1024, max = 64 * 1024 * 1024) int maxBodyBytes,
            @Between(min = 1, max = 100_000) int maxBatchItems, @Between(min = 1, max = 1024) int threads,
            @Between(min = 0, max = 100_000) int maxQueued, @Between(min = 1, max = 1_000_000) int requestsPerSecond,
            @Between(min = 1, max = 10_000_000) int burst,
            @NotNull(message = "must be a list of host names (empty: any host)") List<String> allowedHosts, @NotNull(message = SET) @Valid Tls tls) {
        /** HTTPS when keyStore is set; the password best from HEOMDM_HTTP_TLS_KEY_STORE_PASSWORD. */
        public record Tls(String keyStore, String keyStorePassword) {
            @Override
            public String toString() {
                return "Tls[" + keyStore + "]";
            }
        }
    }

    public record Kafka(String bootstrapServers, @Between(min = 0, max = 65535) int embeddedPort,
            @Between(min = 100, max = 300_000) long ackTimeoutMs, @Between(min = 1, max = 7) short replicationFactor,
            @Between(min = 1, max = 7) int minInsyncReplicas, @Between(min = 0, max = 9) int standbyReplicas,
            @Between(min = 1, max = 3653) int deduplicationDays, @NotNull(message = SET) Map<String, String> properties) {
        public boolean embedded() {
            return bootstrapServers == null || bootstrapServers.isBlank();
        }
    }

    public record Sqs(@Pattern(regexp = "|aws|https?://.+", message = "must be an http(s) URL, \"aws\" for AWS itself, or empty for the embedded server")
            String endpoint, @NotBlank(message = "must be set, e.g. us-east-1") String region, String accessKey, String secretKey,
            @Between(min = 0, max = 65535) int embeddedPort, boolean persistEmbeddedQueues) {
        public boolean embedded() {
            return endpoint == null || endpoint.isBlank();
        }
    }

    public record Database(
            @Pattern(regexp = "|jdbc:(postgresql|h2):.*", message = "must be a jdbc:postgresql: or jdbc:h2: URL, or empty for the embedded H2 database")
            String url, String user, String password, @Between(min = 1, max = 500) int maxPoolSize) {
        public boolean embedded() {
            return url == null || url.isBlank();
        }
    }

    public record Smtp(String host, @Between(min = 0, max = 65535) int port, @Between(min = 0, max = 65535) int embeddedPort,
            @NotNull(message = FROM_RULE) @Pattern(regexp = ".*@.*", message = FROM_RULE) String from, String username, String password,
            boolean startTls) {
        static final String FROM_RULE = "must be an e-mail address such as \"Shop <no-reply@example.com>\"";

        public boolean embedded() {
            return host == null || host.isBlank();
        }
    }

    /** @param signingSecret signs every webhook call (Heomdm-Signature); best set from HEOMDM_NOTIFICATIONS_SIGNING_SECRET */
    public record Notifications(@Pattern(regexp = URL_OR_EMPTY, message = URL_OR_EMPTY_RULE) String smsWebhook,
            @Pattern(regexp = URL_OR_EMPTY, message = URL_OR_EMPTY_RULE) String pushWebhook, String signingSecret) {
    }

    /** @param signingSecret signs every call (Heomdm-Signature); best set from HEOMDM_CRM_SIGNING_SECRET */
    public record Crm(@Pattern(regexp = URL_OR_EMPTY, message = URL_OR_EMPTY_RULE) String endpoint, String signingSecret) {
    }

    public record Workers(@Between(min = 1, max = 1000) int concurrency) {
    }

    /**
     * The audit archive: every record of the market topics in Avro files per topic and hour.
     *
     * @param directory      where the files go; empty: {@code <dataDir>/archive}; not used once s3.bucket is set
     * @param rollSeconds    the longest a record waits before its file is stored: the archive's lag behind the log
     * @param maxFileRecords records per file at most
     */
    public record Archive(boolean enabled, String directory, @NotNull(message = SET) @Valid S3 s3, @Between(min = 1, max = 3600) int rollSeconds,
            @Between(min = 1, max = 10_000_000) int maxFileRecords) {
        /** An S3 bucket instead of the directory when {@code bucket} is set; an S3-compatible server at {@code endpoint}. */
        public record S3(String bucket, String prefix, @Pattern(regexp = URL_OR_EMPTY, message = URL_OR_EMPTY_RULE) String endpoint, String region,
                String accessKey, String secretKey) {
            public boolean used() {
                return bucket != null && !bucket.isBlank();
            }

            @Override
            public String toString() {
                return "S3[" + bucket + "/" + prefix + "]";
            }
        }
    }

    /**
     * @param transport  what carries the task queues: SQS, or Kafka share groups (then SQS is not used at all)
     * @param partitions partitions of each task topic on Kafka share groups
     */
    public record Tasks(@NotNull(message = SET) Transport transport, @Between(min = 1, max = 1000) int partitions) {
        public enum Transport {
            @JsonProperty("sqs") SQS,
            @JsonProperty("kafka-share") KAFKA_SHARE
        }

        public boolean onKafka() {
            return transport == Transport.KAFKA_SHARE;
        }
    }

    /** Every rule the configuration breaks, as "setting: rule"; empty when it is valid. */
    public List<String> problems() {
        return ConfigRules.problems(this);
    }
}

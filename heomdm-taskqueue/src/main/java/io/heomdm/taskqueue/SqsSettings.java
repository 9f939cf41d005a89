package io.heomdm.taskqueue;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach SQS.
 *
 * @param endpoint   an SQS-compatible endpoint such as ElasticMQ's; empty for AWS itself
 * @param accessKey  static credentials, for an SQS-compatible server; empty to use the AWS default chain (IAM roles, environment, profile)
 */
public record SqsSettings(Optional<URI> endpoint, String region, Optional<String> accessKey, Optional<String> secretKey) {
    public SqsSettings {
        Objects.requireNonNull(region);
    }

    /** A local SQS-compatible server, which checks no signature: any static credentials do. */
    public static SqsSettings local(URI endpoint) {
        return new SqsSettings(Optional.of(endpoint), "us-east-1", Optional.of("heomdm"), Optional.of("heomdm"));
    }
}

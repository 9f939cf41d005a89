package io.heomdm.archive;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/** An archive in an S3 bucket (AWS, or any S3-compatible server at {@code endpoint}), each key under a prefix. */
public final class S3Store implements ArchiveStore {
    /**
     * @param endpoint  an S3-compatible server's URL; empty for AWS itself
     * @param accessKey empty for the AWS default credentials chain
     */
    public record Location(Optional<URI> endpoint, String region, String bucket, String prefix, Optional<String> accessKey, Optional<String> secretKey) {
        public Location {
            Objects.requireNonNull(bucket);
            prefix = prefix == null || prefix.isEmpty() || prefix.endsWith("/") ? Objects.requireNonNullElse(prefix, "") : prefix + "/";
        }

        @Override
        public String toString() {
            return "s3://" + bucket + "/" + prefix + endpoint.map(e -> " at " + e).orElse("");
        }
    }

    private final Location location;
    private final S3Client s3;

    public S3Store(Location location) {
        this.location = location;
        var builder = S3Client.builder().region(Region.of(location.region()))
                // checksums only where S3 requires them: several S3-compatible servers refuse the SDK's newer default trailers
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        location.endpoint().ifPresent(e -> builder.endpointOverride(e).forcePathStyle(true));
        builder.credentialsProvider(location.accessKey().<software.amazon.awssdk.auth.credentials.AwsCredentialsProvider>map(
                k -> StaticCredentialsProvider.create(AwsBasicCredentials.create(k, location.secretKey().orElse(""))))
                .orElseGet(() -> DefaultCredentialsProvider.builder().build()));
        this.s3 = builder.build();
    }

    /** Creates the bucket when it does not exist (an S3-compatible server on a laptop; on AWS it is usually made beforehand). */
    public S3Store ensureBucket() {
        try {
            s3.headBucket(b -> b.bucket(location.bucket()));
        } catch (NoSuchBucketException e) {
            s3.createBucket(b -> b.bucket(location.bucket()));
        }
        return this;
    }

    @Override
    public void put(String key, Path file) {
        s3.putObject(b -> b.bucket(location.bucket()).key(location.prefix() + key).contentType("application/avro"), RequestBody.fromFile(file));
    }

    @Override
    public void put(String key, byte[] bytes) {
        s3.putObject(b -> b.bucket(location.bucket()).key(location.prefix() + key), RequestBody.fromBytes(bytes));
    }

    @Override
    public Optional<byte[]> read(String key) {
        try {
            return Optional.of(s3.getObjectAsBytes(b -> b.bucket(location.bucket()).key(location.prefix() + key)).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        try {
            return s3.getObject(b -> b.bucket(location.bucket()).key(location.prefix() + key));
        } catch (NoSuchKeyException e) {
            throw new java.nio.file.NoSuchFileException(location + key);
        }
    }

    @Override
    public List<String> list(String prefix) {
        return s3.listObjectsV2Paginator(b -> b.bucket(location.bucket()).prefix(location.prefix() + prefix)).contents().stream()
                .map(S3Object::key)
                .filter(k -> !k.endsWith("/")) // folder markers some S3-compatible servers list
                .map(k -> k.substring(location.prefix().length()))
                .sorted()
                .toList();
    }

    @Override
    public String describe() {
        return location.toString();
    }

    @Override
    public void close() {
        s3.close();
    }
}

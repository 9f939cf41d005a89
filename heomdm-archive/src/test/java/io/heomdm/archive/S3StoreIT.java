package io.heomdm.archive;

import java.util.Optional;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.junit.S3ProxyJunitCore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The store contract against a real S3-compatible server (S3Proxy, in this JVM), spoken to by the AWS SDK. */
class S3StoreIT extends ArchiveStoreContract {
    static S3ProxyJunitCore s3;
    private S3Store store;
    private static int bucket;

    @BeforeAll
    static void start() throws Exception {
        s3 = new S3ProxyJunitCore.Builder().withCredentials(AuthenticationType.AWS_V2_OR_V4, "access", "secret").build();
        s3.beforeEach();
    }

    @AfterAll
    static void stop() {
        s3.afterEach();
    }

    /** A store in a bucket of its own, made on first use. */
    static S3Store store(String bucket) {
        return new S3Store(new S3Store.Location(Optional.of(s3.getUri()), "us-east-1", bucket, "heomdm", Optional.of(s3.getAccessKey()),
                Optional.of(s3.getSecretKey()))).ensureBucket();
    }

    @Override
    ArchiveStore store() {
        store = store("contract-" + ++bucket);
        return store;
    }

    @AfterEach
    void close() {
        store.close();
    }
}

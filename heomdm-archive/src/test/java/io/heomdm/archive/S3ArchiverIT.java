package io.heomdm.archive;

import java.nio.file.Path;
import java.util.Optional;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.junit.S3ProxyJunitCore;
import org.junit.jupiter.api.AfterAll;

/** The same through the AWS SDK's S3 client and an S3-compatible server (S3Proxy) in this JVM. */
class S3ArchiverIT extends ArchiverContract {
    private S3ProxyJunitCore s3;

    @Override
    ArchiveStore store(Path dir) {
        s3 = new S3ProxyJunitCore.Builder().withCredentials(AuthenticationType.AWS_V2_OR_V4, "access", "secret").build();
        try {
            s3.beforeEach();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return new S3Store(new S3Store.Location(Optional.of(s3.getUri()), "us-east-1", "audit", "heomdm/", Optional.of(s3.getAccessKey()),
                Optional.of(s3.getSecretKey()))).ensureBucket();
    }

    @AfterAll
    void stopS3() {
        s3.afterEach();
    }
}

package io.heomdm.gateway;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The long run of {@link IngestionFuzzTest}'s target: a million inputs. Not a test by name, so the
 * build does not run it; run it with
 * {@code JAZZER_FUZZ=1 ./mvnw -pl heomdm-gateway test -Dtest=IngestionLongFuzz -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class IngestionLongFuzz {
    static HttpFuzzTarget target;

    @BeforeAll
    static void start() {
        target = new HttpFuzzTarget();
    }

    @AfterAll
    static void stop() {
        System.out.println("IngestionLongFuzz: " + target.requests.get() + " requests answered, " + target.published.get() + " events accepted");
        target.close();
    }

    @FuzzTest(maxExecutions = 1_000_000, maxDuration = "3h")
    void aMillionRequestsGetDocumentedAnswers(FuzzedDataProvider data) throws Exception {
        target.request(data);
    }
}

package io.heomdm.gateway;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of ingestion through the HTTP layer (Jazzer). Without JAZZER_FUZZ it
 * replays the stored inputs in {@code IngestionFuzzTestInputs} (every input that ever found a bug
 * stays there); with JAZZER_FUZZ=1 it fuzzes for a minute (CI). The long run is
 * {@link IngestionLongFuzz}.
 */
@Tag("slow") // a minute or more: CI runs it; -DexcludedGroups=slow leaves it out of a developer's loop
class IngestionFuzzTest {
    static HttpFuzzTarget target;

    @BeforeAll
    static void start() {
        target = new HttpFuzzTarget();
    }

    @AfterAll
    static void stop() {
        target.close();
    }

    @FuzzTest(maxDuration = "60s")
    void anyRequestGetsADocumentedAnswer(FuzzedDataProvider data) throws Exception {
        target.request(data);
    }
}

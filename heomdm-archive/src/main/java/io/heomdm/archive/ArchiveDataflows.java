package io.heomdm.archive;

import io.heomdm.eventlog.Dataflow;
import io.heomdm.eventlog.MarketTopics;
import io.heomdm.eventlog.TopicSpec;
import io.heomdm.events.EventType;
import java.util.List;

/** What the audit archive reads: every market topic, task outcomes included, every type on them. */
public final class ArchiveDataflows {
    public static final List<TopicSpec> TOPICS = MarketTopics.all();
    public static final Dataflow ARCHIVER;

    static {
        var flow = Dataflow.of(Archiver.CONSUMER_GROUP, "the audit archive: every record in Avro files per topic and hour, in a directory or S3");
        TOPICS.forEach(t -> flow.reads(t, t.types().toArray(EventType<?>[]::new)));
        ARCHIVER = flow.build();
    }

    private ArchiveDataflows() {
    }
}

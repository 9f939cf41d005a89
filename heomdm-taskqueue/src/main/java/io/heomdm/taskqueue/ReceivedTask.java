package io.heomdm.taskqueue;

import io.heomdm.events.Event;
import org.apache.avro.specific.SpecificRecord;

/** A task as a handler sees it: its envelope and payload, and how many times it has been received (1 on the first attempt). */
public record ReceivedTask<T extends SpecificRecord>(Event<T> event, int receiveCount) {
}

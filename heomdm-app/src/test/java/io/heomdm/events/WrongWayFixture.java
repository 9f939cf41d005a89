package io.heomdm.events;

import io.heomdm.eventlog.MarketTopics;

/** A class that breaks the module rules on purpose (events must not know the event log), so the rule is seen to fail. */
final class WrongWayFixture {
    String topic() {
        return MarketTopics.ACTIVITY.name();
    }
}

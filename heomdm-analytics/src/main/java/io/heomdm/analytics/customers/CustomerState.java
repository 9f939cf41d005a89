package io.heomdm.analytics.customers;

import io.heomdm.analytics.profiles.CustomerProfile;
import io.heomdm.analytics.scores.CustomerScores;
import java.util.Optional;
import java.util.Set;

/**
 * What the customer store holds per customer: the profile, the segments they are in as last
 * published, and the scores last published (so a change is published once, when it moves enough).
 */
public record CustomerState(CustomerProfile profile, Set<String> segments, Optional<CustomerScores> published) {

    public CustomerState {
        segments = Set.copyOf(segments);
    }
}

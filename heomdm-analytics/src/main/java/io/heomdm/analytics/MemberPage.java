package io.heomdm.analytics;

import java.util.List;
import java.util.Optional;

/** One page of a segment's members in customerId order; {@code next} is the {@code after} of the next page. */
public record MemberPage(String segment, List<String> customerIds, Optional<String> next) {
}

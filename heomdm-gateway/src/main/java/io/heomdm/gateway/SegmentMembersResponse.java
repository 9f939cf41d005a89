package io.heomdm.gateway;

import java.util.List;
import java.util.Optional;

/** {@code GET /v1/segments/{name}/members}: a page of members, and where the next page starts. */
public record SegmentMembersResponse(String segment, List<String> customerIds, Optional<String> next) {
}

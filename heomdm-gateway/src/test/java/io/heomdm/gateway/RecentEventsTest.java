package io.heomdm.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RecentEventsTest {
    @Test
    void aRetryIsAdmittedAndAReusedIdWithAnotherPayloadIsNot() {
        var recent = new RecentEvents(10);
        var id = UUID.randomUUID();
        assertThat(recent.admit(id, 1, 2)).isTrue();
        assertThat(recent.admit(id, 1, 2)).as("the same event again").isTrue();
        assertThat(recent.admit(id, 1, 3)).as("another payload").isFalse();
        assertThat(recent.admit(id, 1, 2)).as("a refusal changes nothing").isTrue();
        assertThat(recent.size()).isEqualTo(1);
    }

    @Test
    void theOldestAreForgottenAndTheRestStillKnown() {
        var recent = new RecentEvents(3);
        var ids = new ArrayList<UUID>();
        for (int i = 0; i < 5; i++) {
            ids.add(UUID.randomUUID());
            assertThat(recent.admit(ids.get(i), i, i)).isTrue();
        }
        assertThat(recent.size()).isEqualTo(3);
        assertThat(recent.admit(ids.get(4), 0, 0)).as("still known: another payload refused").isFalse();
        assertThat(recent.admit(ids.get(2), 0, 0)).isFalse();
        assertThat(recent.admit(ids.get(0), 9, 9)).as("forgotten: taken as new").isTrue();
        assertThat(recent.size()).isEqualTo(3);
    }

    /** Against a model, with ids that collide in the index (sequential, few buckets), over many evictions. */
    @Test
    void agreesWithAModelOfTheLastNEvents() {
        int capacity = 50;
        var recent = new RecentEvents(capacity);
        var random = new Random(7);
        var model = new HashMap<UUID, Long>();
        var order = new java.util.ArrayDeque<UUID>();
        for (int i = 0; i < 20_000; i++) {
            var id = new UUID(0, random.nextInt(200)); // a small id space: many repeats and collisions
            long print = random.nextInt(3);
            Long earlier = model.get(id);
            boolean expected = earlier == null || earlier == print;
            assertThat(recent.admit(id, print, 0)).as("step %d, id %s", i, id).isEqualTo(expected);
            if (earlier == null) {
                model.put(id, print);
                order.add(id);
                if (order.size() > capacity) {
                    model.remove(order.poll());
                }
            }
        }
        assertThat(recent.size()).isEqualTo(capacity);
    }

    /** Ids a client chose to collide under a plain hash of high ^ low: each is still told apart. */
    @Test
    void idsChosenToCollideAreStillToldApart() {
        var recent = new RecentEvents(1_000);
        for (long i = 0; i < 1_000; i++) {
            assertThat(recent.admit(new UUID(i, i), 1, 1)).isTrue();
        }
        for (long i = 0; i < 1_000; i++) {
            assertThat(recent.admit(new UUID(i, i), 2, 2)).as("id %d with another payload", i).isFalse();
        }
        assertThat(recent.size()).isEqualTo(1_000);
    }

    @Test
    void aCapacityBelowOneIsRefused() {
        assertThatThrownBy(() -> new RecentEvents(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
    }
}

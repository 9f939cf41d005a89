package io.heomdm.eventlog.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A record whose processing throws costs that record only: it is dead-lettered as it was read and the next one is processed. */
class DeadLetterHandlerTest {
    @Test
    void aFailingRecordGoesToTheDeadLetterTopicWithItsHeadersAndTheNextIsProcessed(@TempDir Path stateDir) {
        var builder = new StreamsBuilder();
        builder.stream("in", org.apache.kafka.streams.kstream.Consumed.with(Serdes.String(), Serdes.String()))
                .mapValues(v -> {
                    if (v.startsWith("poison")) {
                        throw new ArithmeticException("units went negative");
                    }
                    return v.toUpperCase();
                })
                .to("out", org.apache.kafka.streams.kstream.Produced.with(Serdes.String(), Serdes.String()));
        try (var driver = new TopologyTestDriver(builder.build(), props(stateDir))) {
            var in = driver.createInputTopic("in", Serdes.String().serializer(), Serdes.String().serializer());
            var out = driver.createOutputTopic("out", Serdes.String().deserializer(), Serdes.String().deserializer());
            var dead = driver.createOutputTopic("dlt-test.dlt", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
            in.pipeInput("a", "first");
            var headers = new RecordHeaders().add("heomdm-event-id", "e-42".getBytes(StandardCharsets.UTF_8))
                    .add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".getBytes(StandardCharsets.UTF_8));
            in.pipeInput(new TestRecord<>("b", "poison pill", headers));
            in.pipeInput("c", "third");

            assertThat(out.readValuesToList()).as("the records around the bad one").containsExactly("FIRST", "THIRD");
            var letters = dead.readRecordsToList();
            assertThat(letters).hasSize(1);
            var letter = letters.get(0);
            assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo("b");
            assertThat(new String(letter.value(), StandardCharsets.UTF_8)).as("the record as it was read").isEqualTo("poison pill");
            assertThat(header(letter, "heomdm-event-id")).as("its own headers: a replay is the same event").isEqualTo("e-42");
            assertThat(header(letter, "traceparent")).startsWith("00-0af7651916cd43dd8448eb211c80319c");
            assertThat(header(letter, "__streams.errors.exception")).isEqualTo(ArithmeticException.class.getName());
            assertThat(header(letter, "__streams.errors.message")).isEqualTo("units went negative");
            assertThat(header(letter, "__streams.errors.topic")).isEqualTo("in");
            assertThat(header(letter, "__streams.errors.offset")).isEqualTo("1");
            assertThat(StreamsApp.deadLettered(driver.metrics())).as("counted for /health").isEqualTo(1);
        }
    }

    record Note(String text) {
    }

    @Test
    void aRecordThatSeveralProcessorsFailOnIsParkedOnce(@TempDir Path stateDir) {
        var builder = new StreamsBuilder();
        var in = builder.stream("in", org.apache.kafka.streams.kstream.Consumed.with(Serdes.String(), Serdes.String()));
        // two services' processors reading the same source, as pricing and recommendations read the activity log
        for (String branch : java.util.List.of("pricing", "recommendations")) {
            in.mapValues(v -> {
                if (v.startsWith("poison")) {
                    throw new IllegalStateException(branch + " cannot read it");
                }
                return branch + ":" + v;
            }).to("out", org.apache.kafka.streams.kstream.Produced.with(Serdes.String(), Serdes.String()));
        }
        try (var driver = new TopologyTestDriver(builder.build(), props(stateDir))) {
            var input = driver.createInputTopic("in", Serdes.String().serializer(), Serdes.String().serializer());
            var out = driver.createOutputTopic("out", Serdes.String().deserializer(), Serdes.String().deserializer());
            var dead = driver.createOutputTopic("dlt-test.dlt", Serdes.String().deserializer(), Serdes.String().deserializer());
            input.pipeInput("a", "poison");
            input.pipeInput("b", "fine");
            input.pipeInput("c", "poison again");

            assertThat(out.readValuesToList()).containsExactly("pricing:fine", "recommendations:fine");
            var letters = dead.readRecordsToList();
            assertThat(letters).as("one letter per bad record, the first processor's").extracting(TestRecord::key).containsExactly("a", "c");
            assertThat(header(letters.get(0), "__streams.errors.message")).isEqualTo("pricing cannot read it");
        }
    }

    @Test
    void aValueTooLargeForItsTopicOrStoreCostsTheRecordThatMadeItAndTheNextIsProcessed(@TempDir Path stateDir) {
        var builder = new StreamsBuilder();
        var notes = builder.stream("in", org.apache.kafka.streams.kstream.Consumed.with(Serdes.String(), Serdes.String()))
                .mapValues(v -> new Note(v.equals("huge") ? "x".repeat(StateSerde.MAX_BYTES) : v));
        notes.to("out", org.apache.kafka.streams.kstream.Produced.with(Serdes.String(), new StateSerde<>(Note.class)));
        // and a store whose value grows with every record of its key
        notes.groupByKey(org.apache.kafka.streams.kstream.Grouped.with(Serdes.String(), new StateSerde<>(Note.class)))
                .reduce((a, b) -> new Note(a.text() + b.text()), org.apache.kafka.streams.kstream.Materialized
                        .<String, Note, org.apache.kafka.streams.state.KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>>as("notes")
                        .withValueSerde(new StateSerde<>(Note.class)).withCachingDisabled());
        try (var driver = new TopologyTestDriver(builder.build(), props(stateDir))) {
            var in = driver.createInputTopic("in", Serdes.String().serializer(), Serdes.String().serializer());
            var out = driver.createOutputTopic("out", Serdes.String().deserializer(), new StateSerde<>(Note.class).deserializer());
            var dead = driver.createOutputTopic("dlt-test.dlt", Serdes.String().deserializer(), Serdes.String().deserializer());
            in.pipeInput("a", "first");
            in.pipeInput("b", "huge");
            in.pipeInput("c", "third");
            assertThat(out.readValuesToList()).as("the records around the huge one").containsExactly(new Note("first"), new Note("third"));
            var letters = dead.readRecordsToList();
            // the sink's failure goes to Streams' production handler, the store's to its processing handler: two
            // instances, each parks what it was given (processors under one handler park a record once, as below)
            assertThat(letters).as("refused on its way out and into the store: a letter from each handler").hasSize(2)
                    .extracting(TestRecord::key).containsOnly("b");
            assertThat(letters.get(0).value()).isEqualTo("huge");
            assertThat(header(letters.get(0), "__streams.errors.exception")).isEqualTo(org.apache.kafka.common.errors.RecordTooLargeException.class.getName());

            // a key whose stored value would pass the limit: the record that would take it over is parked, the store keeps the rest
            String half = "y".repeat(StateSerde.MAX_BYTES / 2 + 1);
            in.pipeInput("d", half);
            in.pipeInput("d", half);
            in.pipeInput("e", "after");
            org.apache.kafka.streams.state.KeyValueStore<String, Note> store = driver.getKeyValueStore("notes");
            assertThat(store.get("d").text()).hasSize(half.length());
            assertThat(store.get("e").text()).isEqualTo("after");
            // (Streams let go of the source record once the note went out: the letter keeps the key and the coordinates)
            var late = dead.readRecordsToList();
            assertThat(late).extracting(TestRecord::key).containsExactly("d");
            assertThat(header(late.get(0), "__streams.errors.offset")).isEqualTo("4");
        }
    }

    /** Exactly-once, with the platform's dead-letter handlers writing to dlt-test.dlt. */
    private static Properties props(Path stateDir) {
        return TopologyTests.properties("dlt-test", stateDir);
    }

    private static String header(TestRecord<?, ?> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}

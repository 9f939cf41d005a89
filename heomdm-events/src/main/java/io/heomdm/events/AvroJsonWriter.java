package io.heomdm.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;

/**
 * Writing for {@link JsonPayloads#toJson}: an Avro value as the plain JSON the API shows (numbers
 * for money, ISO-8601 strings for instants, no union wrappers). Reading, with its rules, is
 * {@link JsonPayloads}'s.
 */
final class AvroJsonWriter {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AvroJsonWriter() {
    }

    static JsonNode write(Schema schema, Object value) {
        if (value == null) {
            return NullNode.getInstance();
        }
        if (schema.getType() == Schema.Type.UNION) {
            return write(JsonPayloads.nonNull(schema), value);
        }
        if (value instanceof BigDecimal d) {
            return NODES.numberNode(d);
        }
        if (value instanceof Instant i) {
            return NODES.textNode(i.toString());
        }
        switch (schema.getType()) {
            case RECORD: {
                IndexedRecord record = (IndexedRecord) value;
                ObjectNode node = NODES.objectNode();
                for (Schema.Field f : schema.getFields()) {
                    node.set(f.name(), write(f.schema(), record.get(f.pos())));
                }
                return node;
            }
            case ARRAY: {
                ArrayNode node = NODES.arrayNode();
                for (Object item : (List<?>) value) {
                    node.add(write(schema.getElementType(), item));
                }
                return node;
            }
            case MAP: {
                ObjectNode node = NODES.objectNode();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                    node.set(e.getKey().toString(), write(schema.getValueType(), e.getValue()));
                }
                return node;
            }
            case ENUM:
                return NODES.textNode(value instanceof GenericEnumSymbol<?> || value instanceof Enum<?> ? value.toString() : String.valueOf(value));
            default:
                return value instanceof GenericContainer ? NODES.textNode(value.toString()) : MAPPER.valueToTree(value);
        }
    }
}

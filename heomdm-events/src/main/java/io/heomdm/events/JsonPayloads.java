package io.heomdm.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The HTTP edge's view of payloads: plain JSON (numbers for money, ISO-8601 strings for instants,
 * no Avro union wrappers) to and from the generated Avro classes.
 *
 * <p>Reading is strict and complete: unknown fields, wrong types, missing required fields, too
 * many decimal places and unknown enum symbols are all reported, each with its JSON path.
 * Stateless and thread-safe.
 */
public final class JsonPayloads {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonPayloads() {
    }

    public static <T extends SpecificRecord> T fromJson(EventType<T> type, JsonNode json, String path)
            throws InvalidPayloadException {
        List<Violation> violations = new ArrayList<>();
        Object value = convert(type.schema(), json, new Where(null, path, -1), "", violations);
        if (violations.isEmpty()) {
            String key = type.keyOf(type.javaClass().cast(value));
            if (key.isBlank()) {
                violations.add(new Violation(path + "." + type.keyField(), "must not be blank: it is the ordering key"));
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidPayloadException(violations);
        }
        return type.javaClass().cast(value);
    }

    public static ObjectNode toJson(SpecificRecord record) {
        return (ObjectNode) AvroJsonWriter.write(record.getSchema(), record);
    }

    /** @param field the schema field the value belongs to (an array's or map's items belong to it too): it names the limits */
    private static Object convert(Schema schema, JsonNode json, Where path, String field, List<Violation> out) {
        if (json == null || json.isNull()) {
            if (schema.isNullable()) {
                return null;
            }
            out.add(new Violation(path.toString(), "is required"));
            return null;
        }
        if (schema.getType() == Schema.Type.UNION) {
            return convert(nonNull(schema), json, path, field, out);
        }
        if (schema.getLogicalType() instanceof LogicalTypes.Decimal decimal) {
            return toDecimal(decimal, json, path, out);
        }
        if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
            return toInstant(json, path, out);
        }
        switch (schema.getType()) {
            case RECORD:
                return toRecord(schema, json, path, out);
            case STRING:
                if (json.isTextual()) {
                    var broken = FieldLimits.checkString(field, json.textValue());
                    return broken.isPresent() ? fail(out, path, broken.get()) : json.textValue();
                }
                return fail(out, path, "must be a string");
            case INT:
                if (json.isIntegralNumber() && json.canConvertToInt() && json.intValue() >= 0) {
                    return json.intValue();
                }
                return fail(out, path, "must be a whole number from 0 to " + Integer.MAX_VALUE);
            case LONG:
                if (json.isIntegralNumber() && json.canConvertToLong() && json.longValue() >= 0) {
                    return json.longValue();
                }
                return fail(out, path, "must be a whole number from 0 to " + Long.MAX_VALUE);
            case DOUBLE:
            case FLOAT:
                if (json.isNumber() && Double.isFinite(json.doubleValue())) {
                    return schema.getType() == Schema.Type.DOUBLE ? (Object) json.doubleValue() : (Object) json.floatValue();
                }
                return fail(out, path, "must be a number");
            case BOOLEAN:
                if (json.isBoolean()) {
                    return json.booleanValue();
                }
                return fail(out, path, "must be true or false");
            case ENUM:
                if (json.isTextual() && schema.getEnumSymbols().contains(json.textValue())) {
                    return SpecificData.get().createEnum(json.textValue(), schema);
                }
                return fail(out, path, "must be one of " + String.join(", ", schema.getEnumSymbols()));
            case ARRAY:
                return toList(schema, json, path, field, out);
            case MAP:
                return toMap(schema, json, path, field, out);
            default:
                throw new IllegalStateException("schema type not supported at the JSON edge: " + schema.getType() + " at " + path);
        }
    }

    // (arrays and maps have their own methods: javac 17 emits unverifiable bytecode for a lambda
    // capturing a local declared inside one of this switch's cases)
    private static Object toList(Schema schema, JsonNode json, Where path, String field, List<Violation> out) {
        if (!json.isArray()) {
            return fail(out, path, "must be an array");
        }
        if (json.size() > FieldLimits.maxItems(field)) {
            return fail(out, path, "must hold at most " + FieldLimits.maxItems(field) + " items");
        }
        List<Object> items = new ArrayList<>(json.size());
        for (int i = 0; i < json.size(); i++) {
            items.add(convert(schema.getElementType(), json.get(i), new Where(path, null, i), field, out));
        }
        return items;
    }

    private static Object toMap(Schema schema, JsonNode json, Where path, String field, List<Violation> out) {
        if (!json.isObject()) {
            return fail(out, path, "must be an object");
        }
        if (json.size() > FieldLimits.MAX_MAP_ENTRIES) {
            return fail(out, path, "must hold at most " + FieldLimits.MAX_MAP_ENTRIES + " entries");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (var fields = json.fields(); fields.hasNext(); ) {
            var e = fields.next();
            var brokenKey = FieldLimits.checkString(field, e.getKey());
            if (brokenKey.isPresent()) {
                fail(out, path, "keys " + brokenKey.get());
                continue;
            }
            map.put(e.getKey(), convert(schema.getValueType(), e.getValue(), new Where(path, e.getKey(), -1), field, out));
        }
        return map;
    }

    private static Object toRecord(Schema schema, JsonNode json, Where path, List<Violation> out) {
        if (!json.isObject()) {
            return fail(out, path, "must be an object");
        }
        IndexedRecord record = (IndexedRecord) SpecificData.get().newRecord(null, schema);
        int present = 0;
        for (Schema.Field field : schema.getFields()) {
            JsonNode value = json.get(field.name());
            if (value != null) {
                present++;
            } else if (field.hasDefaultValue()) {
                value = defaultAsJson(field);
            }
            Object converted = convert(field.schema(), value, new Where(path, field.name(), -1), field.name(), out);
            if (converted != null) {
                // a primitive field cannot hold null; a violation has been recorded for it instead
                record.put(field.pos(), converted);
            }
        }
        if (json.size() > present) { // the object names fields the schema does not have
            for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (schema.getField(name) == null) {
                    out.add(new Violation(new Where(path, name, -1).toString(), "is not a field of " + schema.getName()));
                }
            }
        }
        return record;
    }

    static Schema nonNull(Schema union) {
        for (Schema branch : union.getTypes()) {
            if (branch.getType() != Schema.Type.NULL) {
                return branch;
            }
        }
        throw new IllegalStateException("a union of null only: " + union);
    }

    /** Where a value is in the document; spelled out only for a violation, so a valid event builds no path strings. */
    private record Where(Where parent, String name, int index) {
        @Override
        public String toString() {
            if (parent == null) {
                return name;
            }
            return parent + (name != null ? "." + name : "[" + index + "]");
        }
    }

    private static JsonNode defaultAsJson(Schema.Field field) {
        Object def = field.defaultVal();
        return def == JsonProperties.NULL_VALUE ? NullNode.getInstance() : MAPPER.valueToTree(def);
    }

    private static Object toDecimal(LogicalTypes.Decimal decimal, JsonNode json, Where path, List<Violation> out) {
        BigDecimal value;
        try {
            if (json.isNumber()) {
                value = json.decimalValue();
            } else if (json.isTextual() && json.textValue().length() <= 100) {
                value = new BigDecimal(json.textValue());
            } else {
                return fail(out, path, "must be a decimal number");
            }
        } catch (NumberFormatException e) {
            // also a double node past a double's range (1e400): infinite, it has no decimal value
            return fail(out, path, json.isNumber() ? "must have at most " + (decimal.getPrecision() - decimal.getScale()) + " digits before the point"
                    : "must be a decimal number");
        }
        if (value.signum() < 0) {
            return fail(out, path, "must be 0 or more");
        }
        value = value.stripTrailingZeros();
        if (value.scale() > decimal.getScale()) {
            return fail(out, path, "must have at most " + decimal.getScale() + " decimal places");
        }
        // digits before the point, checked before setScale: 1e999999999 would otherwise grow a billion digits
        int integerDigits = value.precision() - value.scale();
        if (integerDigits > decimal.getPrecision() - decimal.getScale()) {
            return fail(out, path, "must have at most " + (decimal.getPrecision() - decimal.getScale()) + " digits before the point");
        }
        return value.setScale(decimal.getScale());
    }

    private static Object toInstant(JsonNode json, Where path, List<Violation> out) {
        Instant at = null;
        if (json.isIntegralNumber() && json.canConvertToLong()) {
            at = Instant.ofEpochMilli(json.longValue());
        } else if (json.isTextual()) {
            try {
                at = Instant.parse(json.textValue());
            } catch (DateTimeParseException e) {
                // fall through to the violation
            }
        }
        if (at != null) {
            var broken = FieldLimits.checkInstant(at);
            return broken.isPresent() ? fail(out, path, broken.get()) : at;
        }
        return fail(out, path, "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z, or epoch milliseconds");
    }

    private static Object fail(List<Violation> out, Where path, String rule) {
        out.add(new Violation(path.toString(), rule));
        return null;
    }
}

package io.heomdm.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heomdm.events.EventType;
import io.heomdm.events.FieldLimits;
import java.math.BigDecimal;
import java.util.List;
import java.util.Random;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * What a careless or hostile client can get past the edge, drawn from each event's own schema:
 * strings at their limit made of the characters composite keys, URLs and logs trip on (separators,
 * percent signs, right-to-left marks, astral code points), the largest numbers a field takes, the
 * earliest and latest instants, arrays and maps at their item limits, absent optionals. The keys
 * come from a small pool, so the same few customers and products take every such event and their
 * state meets its bounds. Seeded: a failure replays.
 */
final class HostilePayloads {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Each piece is whole code points; a string is cut only between pieces. */
    private static final List<String> PIECES = List.of("|", ":", "/", "\\", "%", "%00", "%zz", "'", "\"", "<b>", "${x}", " ", "\u202e",
            "\ud83d\ude00", "é", "Ω", ",", ";", "=", "&", "#", "..", "*", "?");
    private static final List<String> ZONES = List.of("Pacific/Kiritimati", "Etc/GMT+12", "UTC", "Asia/Kathmandu");
    private static final List<String> INSTANTS = List.of("1970-01-01T00:00:00Z", "2099-12-31T23:59:59.999Z", "2000-02-29T12:00:00Z");
    private final Random random;
    private final List<String> keys;

    HostilePayloads(long seed, String keyPrefix) {
        this.random = new Random(seed);
        this.keys = List.of(keyPrefix + "-plain", atLimit(keyPrefix + "-", FieldLimits.DEFAULT_MAX_LENGTH), keyPrefix + "|0:x/%zz",
                keyPrefix + " \u202e\ud83d\ude00");
    }

    ObjectNode payload(EventType<?> type) {
        return (ObjectNode) value(type.schema(), "", type.keyField());
    }

    private JsonNode value(Schema schema, String field, String keyField) {
        if (schema.getType() == Schema.Type.UNION) {
            Schema branch = schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst().orElseThrow();
            return random.nextInt(4) == 0 ? NODES.nullNode() : value(branch, field, keyField);
        }
        if (schema.getLogicalType() instanceof LogicalTypes.Decimal decimal) {
            return NODES.numberNode(pick(BigDecimal.ZERO, BigDecimal.ONE.movePointLeft(decimal.getScale()),
                    BigDecimal.TEN.pow(decimal.getPrecision()).subtract(BigDecimal.ONE).movePointLeft(decimal.getScale())));
        }
        if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
            return NODES.textNode(pick(INSTANTS.toArray(String[]::new)));
        }
        return switch (schema.getType()) {
            case RECORD -> {
                ObjectNode node = NODES.objectNode();
                for (Schema.Field f : schema.getFields()) {
                    node.set(f.name(), f.name().equals(keyField) ? NODES.textNode(pick(keys.toArray(String[]::new))) : value(f.schema(), f.name(), ""));
                }
                yield node;
            }
            case STRING -> NODES.textNode(string(field));
            case INT -> NODES.numberNode(pick(0, 1, Integer.MAX_VALUE));
            case LONG -> NODES.numberNode(pick(0L, 1L, Long.MAX_VALUE));
            case DOUBLE, FLOAT -> NODES.numberNode(pick(0.0, 1e-300, schema.getType() == Schema.Type.FLOAT ? Float.MAX_VALUE : Double.MAX_VALUE));
            case BOOLEAN -> NODES.booleanNode(random.nextBoolean());
            case ENUM -> NODES.textNode(schema.getEnumSymbols().get(random.nextInt(schema.getEnumSymbols().size())));
            case ARRAY -> {
                ArrayNode items = NODES.arrayNode();
                int n = pick(0, 1, FieldLimits.maxItems(field));
                for (int i = 0; i < n; i++) {
                    items.add(field.endsWith("Ids") ? NODES.textNode(i < keys.size() ? keys.get(i) : atLimit("m" + i + "-", 40))
                            : value(schema.getElementType(), field, ""));
                }
                yield items;
            }
            case MAP -> {
                ObjectNode map = NODES.objectNode();
                int n = pick(0, FieldLimits.MAX_MAP_ENTRIES);
                for (int i = 0; i < n; i++) {
                    map.set(atLimit(i + "|", 40), value(schema.getValueType(), field, ""));
                }
                yield map;
            }
            default -> throw new IllegalStateException("no hostile value for " + schema.getType());
        };
    }

    private String string(String field) {
        return switch (field) {
            case "email" -> pick("a@b.co", atLimitEmail());
            case "currency" -> pick("EUR", "ZZZ");
            case "phone" -> pick("+1 (0) 0", "+" + "9".repeat(30));
            case "timeZone" -> pick(ZONES.toArray(String[]::new));
            case "pageUrl", "referrer" -> atLimit("https://x.example/../%zz?a=", FieldLimits.maxLength(field));
            default -> pick("", " ", atLimit("", FieldLimits.maxLength(field)));
        };
    }

    /** The longest address the rule lets through: a 64-character local part and 63-character labels. */
    private String atLimitEmail() {
        StringBuilder s = new StringBuilder("a|%/=".repeat(13).substring(0, 64)).append('@');
        while (s.length() + 64 <= FieldLimits.EMAIL_MAX_LENGTH) {
            s.append("d".repeat(63)).append('.');
        }
        return s.append("co").toString();
    }

    private String atLimit(String start, int max) {
        StringBuilder s = new StringBuilder(start);
        while (true) {
            String piece = PIECES.get(random.nextInt(PIECES.size()));
            if (s.length() + piece.length() > max) {
                return s.toString();
            }
            s.append(piece);
        }
    }

    @SafeVarargs
    private <T> T pick(T... choices) {
        return choices[random.nextInt(choices.length)];
    }
}

package io.heomdm.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heomdm.events.schema.Channel;
import io.heomdm.events.schema.OrderPlaced;
import io.heomdm.events.schema.SendNotification;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class JsonPayloadsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aValidOrderBecomesItsAvroClassWithDefaultsFilledIn() throws Exception {
        OrderPlaced order = JsonPayloads.fromJson(EventCatalog.ORDER_PLACED, json("""
                {"customerId":"c-1","orderId":"o-1","total":59.9,"lines":[{"productId":"p","quantity":2,"unitPrice":"29.95"}]}"""), "data");
        assertThat(order.getTotal()).isEqualByComparingTo(new BigDecimal("59.90"));
        assertThat(order.getTotal().scale()).isEqualTo(2);
        assertThat(order.getCurrency()).isEqualTo("EUR");
        assertThat(order.getEmail()).isNull();
        assertThat(order.getLines()).singleElement().satisfies(l -> assertThat(l.getQuantity()).isEqualTo(2));
        assertThat(AvroCodec.decode(EventCatalog.ORDER_PLACED, AvroCodec.encode(order))).isEqualTo(order);
    }

    @Test
    void everyViolationIsReportedWithItsPath() {
        var e = catchThrowableOfType(InvalidPayloadException.class, () -> JsonPayloads.fromJson(EventCatalog.ORDER_PLACED, json("""
                {"orderId":7,"total":1.234,"lines":[{"productId":"p","quantity":"two","unitPrice":1}],"colour":"red"}"""), "data"));
        assertThat(e.violations()).containsExactlyInAnyOrder(
                new Violation("data.customerId", "is required"),
                new Violation("data.orderId", "must be a string"),
                new Violation("data.lines[0].quantity", "must be a whole number from 0 to 2147483647"),
                new Violation("data.total", "must have at most 2 decimal places"),
                new Violation("data.colour", "is not a field of OrderPlaced"));
    }

    @Test
    void enumsNameTheirSymbolsAndBlankKeysAreRefused() {
        var e = catchThrowableOfType(InvalidPayloadException.class, () -> JsonPayloads.fromJson(EventCatalog.SEND_NOTIFICATION,
                json("{\"customerId\":\" \",\"channel\":\"FAX\",\"recipient\":\"a@b\",\"template\":\"t\"}"), "data"));
        assertThat(e.violations()).containsExactly(new Violation("data.channel", "must be one of EMAIL, SMS, PUSH"));
        var blank = catchThrowableOfType(InvalidPayloadException.class, () -> JsonPayloads.fromJson(EventCatalog.SEND_NOTIFICATION,
                json("{\"customerId\":\" \",\"channel\":\"SMS\",\"recipient\":\"a@b\",\"template\":\"t\"}"), "data"));
        assertThat(blank.violations()).extracting(Violation::field).containsExactly("data.customerId");
    }

    @Test
    void numbersOutsideTheirRangeAreViolationsNotExceptions() {
        var mapper = new ObjectMapper().enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        for (String total : new String[] {"1e400", "1e999999999", "-1", "-0.01", "\"1e400\"", "1e-999999999", "\"NaN\""}) {
            // (a plain mapper reads 1e-999999999 as the double 0.0: the gateway reads decimals as BigDecimal)
            for (ObjectMapper m : total.equals("1e-999999999") ? new ObjectMapper[] {mapper} : new ObjectMapper[] {JSON, mapper}) {
                var e = catchThrowableOfType(InvalidPayloadException.class, () -> JsonPayloads.fromJson(EventCatalog.ORDER_PLACED, tree(m,
                        "{\"customerId\":\"c\",\"orderId\":\"o\",\"total\":" + total + ",\"lines\":[]}"), "data"));
                assertThat(e).as(total).isNotNull();
                assertThat(e.violations()).as(total).extracting(Violation::field).containsExactly("data.total");
            }
        }
        var negative = catchThrowableOfType(InvalidPayloadException.class, () -> JsonPayloads.fromJson(EventCatalog.ORDER_PLACED, json(
                "{\"customerId\":\"c\",\"orderId\":\"o\",\"total\":1,\"lines\":[{\"productId\":\"p\",\"quantity\":-2,\"unitPrice\":1}]}"), "data"));
        assertThat(negative.violations()).containsExactly(new Violation("data.lines[0].quantity", "must be a whole number from 0 to 2147483647"));
    }

    @Test
    void stringsAreBoundedAndFreeOfControlCharactersAndAddressesAreStrict() {
        String longId = "x".repeat(FieldLimits.DEFAULT_MAX_LENGTH + 1);
        var e = catchThrowableOfType(InvalidPayloadException.class, () -> JsonPayloads.fromJson(EventCatalog.ORDER_PLACED, json(
                "{\"customerId\":\"" + longId + "\",\"orderId\":\"o\\r\\nBcc: x@evil.test\",\"total\":1,\"lines\":[],"
                        + "\"email\":\"a@b.c\\r\\nBcc: x@evil.test\",\"currency\":\"euro\"}"), "data"));
        assertThat(e.violations()).containsExactlyInAnyOrder(
                new Violation("data.customerId", "must be at most 200 characters"),
                new Violation("data.orderId", "must not contain control characters (found U+000D)"),
                new Violation("data.email", "must not contain control characters (found U+000D)"),
                new Violation("data.currency", "must be at most 3 characters"));
        for (String bad : new String[] {"plain", "a@b", "a b@c.de", "a@-b.de", "a..b@c.de", "\"q\"@c.de"}) {
            assertThat(FieldLimits.checkString("email", bad)).as(bad).isPresent();
        }
        assertThat(FieldLimits.checkString("email", "first.last+tag@mail.example.co.uk")).isEmpty();
        assertThat(FieldLimits.checkString("timeZone", "Mars/Olympus")).isPresent();
    }

    @Test
    void arraysMapsAndInstantsAreBounded() {
        String lines = "[" + String.join(",", java.util.Collections.nCopies(FieldLimits.MAX_ORDER_LINES + 1,
                "{\"productId\":\"p\",\"quantity\":1,\"unitPrice\":1}")) + "]";
        var e = catchThrowableOfType(InvalidPayloadException.class, () -> JsonPayloads.fromJson(EventCatalog.ORDER_PLACED, json(
                "{\"customerId\":\"c\",\"orderId\":\"o\",\"total\":1,\"lines\":" + lines + "}"), "data"));
        assertThat(e.violations()).containsExactly(new Violation("data.lines", "must hold at most 100 items"));
        var late = catchThrowableOfType(InvalidPayloadException.class, () -> JsonPayloads.fromJson(EventCatalog.CAMPAIGN_TRIGGERED, json(
                "{\"campaignId\":\"c\",\"name\":\"n\",\"channel\":\"EMAIL\",\"template\":\"t\",\"scheduledAt\":\"+1000000000-01-01T00:00:00Z\"}"), "data"));
        assertThat(late.violations()).extracting(Violation::field).containsExactly("data.scheduledAt");
        var early = catchThrowableOfType(InvalidPayloadException.class, () -> JsonPayloads.fromJson(EventCatalog.CAMPAIGN_TRIGGERED, json(
                "{\"campaignId\":\"c\",\"name\":\"n\",\"channel\":\"EMAIL\",\"template\":\"t\",\"scheduledAt\":-1}"), "data"));
        assertThat(early.violations()).extracting(Violation::field).containsExactly("data.scheduledAt");
    }

    @Test
    void toJsonIsTheInverseOfFromJson() throws Exception {
        JsonNode in = json("""
                {"customerId":"c","channel":"EMAIL","recipient":"a@b.c","template":"t","variables":{"x":"1"},"transactional":true,"campaignId":null}""");
        SendNotification task = JsonPayloads.fromJson(EventCatalog.SEND_NOTIFICATION, in, "data");
        assertThat(task.getChannel()).isEqualTo(Channel.EMAIL);
        assertThat(JsonPayloads.toJson(task)).isEqualTo(in);
    }

    private static JsonNode tree(ObjectMapper mapper, String s) {
        try {
            return mapper.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}

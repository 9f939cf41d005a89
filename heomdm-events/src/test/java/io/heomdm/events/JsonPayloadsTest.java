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
                new Violation("data.lines[0].quantity", "must be a whole number between -2147483648 and 2147483647"),
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
    void toJsonIsTheInverseOfFromJson() throws Exception {
        JsonNode in = json("""
                {"customerId":"c","channel":"EMAIL","recipient":"a@b.c","template":"t","variables":{"x":"1"},"transactional":true,"campaignId":null}""");
        SendNotification task = JsonPayloads.fromJson(EventCatalog.SEND_NOTIFICATION, in, "data");
        assertThat(task.getChannel()).isEqualTo(Channel.EMAIL);
        assertThat(JsonPayloads.toJson(task)).isEqualTo(in);
    }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}

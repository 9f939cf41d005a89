package io.heomdm.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NotificationTemplatesTest {
    private final NotificationTemplates templates = new NotificationTemplates();
    private final Map<String, String> vars = Map.of("orderId", "<o-1>", "total", "59.90", "currency", "EUR", "itemCount", "2");

    @Test
    void rendersSubjectTextAndEscapedHtml() {
        var r = templates.render("order-confirmation", vars);
        assertThat(r.subject()).isEqualTo("Your order <o-1> is confirmed");
        assertThat(r.text()).contains("order <o-1> of 2 item(s)").contains("59.90 EUR");
        assertThat(r.html()).contains("&lt;o-1&gt;").doesNotContain("<o-1>");
    }

    @Test
    void unknownTemplatesAndMissingVariablesAreErrors() {
        assertThatThrownBy(() -> templates.render("no-such", vars)).hasMessageContaining("no template named no-such");
        assertThatThrownBy(() -> templates.render("../secrets", vars)).isInstanceOf(NotificationTemplates.UnknownTemplateException.class);
        assertThatThrownBy(() -> templates.render("order-confirmation", Map.of("orderId", "o")))
                .isInstanceOf(NotificationTemplates.UnknownTemplateException.class);
    }
}

package io.heomdm.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CataloguePageTest {
    @Test
    void tablesAndAnchorsAreRenderedAndHtmlInTheMarkdownIsEscaped() {
        String page = new String(CataloguePage.render("""
                # Event catalogue

                | Type | Read by |
                |---|---|
                | [OrderPlaced](#orderplaced) | <script>alert(1)</script> |

                ### OrderPlaced
                """), StandardCharsets.UTF_8);
        assertThat(page).startsWith("<!doctype html>").contains("<table>", "<td><a href=\"#orderplaced\">OrderPlaced</a></td>",
                "<h3 id=\"orderplaced\">OrderPlaced</h3>", "&lt;script&gt;").doesNotContain("<script>");
    }
}

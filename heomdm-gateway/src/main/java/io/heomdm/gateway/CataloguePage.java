package io.heomdm.gateway;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.ext.heading.anchor.HeadingAnchorExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/** The event catalogue (Markdown, made by the platform from its declarations) as the HTML page served at {@code /catalog}. */
final class CataloguePage {
    private CataloguePage() {
    }

    /** Rendered once: the catalogue does not change while the platform runs. Raw HTML in the Markdown is escaped, not passed on. */
    static byte[] render(String markdown) {
        var extensions = List.of(TablesExtension.create(), HeadingAnchorExtension.create());
        var document = Parser.builder().extensions(extensions).build().parse(markdown);
        String body = HtmlRenderer.builder().extensions(extensions).escapeHtml(true).build().render(document);
        return ("""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>HEOMDM event catalogue</title>
                <style>body{font-family:system-ui,sans-serif;max-width:80rem;margin:2rem auto;padding:0 1rem;line-height:1.4}
                table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
                th{background:#f4f4f4}code{background:#f4f4f4;padding:0 .2rem}h3{margin-top:2.5rem}</style></head>
                <body>
                """ + body + "</body></html>\n").getBytes(StandardCharsets.UTF_8);
    }
}

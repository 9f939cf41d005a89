package io.heomdm.tasks;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Message templates (Mustache) from {@code templates/<name>.{subject,txt,html}.mustache} on the
 * classpath. Variables are HTML-escaped in the HTML part; a variable the template names but the
 * task does not supply is an error, not an empty string. Thread-safe; templates are compiled once.
 */
public final class NotificationTemplates {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final Mustache.Compiler PLAIN = Mustache.compiler().escapeHTML(false).strictSections(true);
    private static final Mustache.Compiler HTML = Mustache.compiler().escapeHTML(true).strictSections(true);

    private final Map<String, Optional<Compiled>> cache = new ConcurrentHashMap<>();

    public record Rendered(String subject, String text, String html) {
    }

    private record Compiled(Template subject, Template text, Template html) {
    }

    /** Renders a template; fails with {@link UnknownTemplateException} when it does not exist or lacks a variable. */
    public Rendered render(String name, Map<String, String> variables) {
        Compiled t = cache.computeIfAbsent(name, NotificationTemplates::load)
                .orElseThrow(() -> new UnknownTemplateException("no template named " + name));
        try {
            return new Rendered(t.subject().execute(variables).strip(), t.text().execute(variables), t.html().execute(variables));
        } catch (MustacheException e) {
            throw new UnknownTemplateException("template " + name + ": " + e.getMessage());
        }
    }

    private static Optional<Compiled> load(String name) {
        if (!NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        Optional<Template> subject = compile(PLAIN, name + ".subject");
        Optional<Template> text = compile(PLAIN, name + ".txt");
        Optional<Template> html = compile(HTML, name + ".html");
        if (subject.isEmpty() || text.isEmpty() || html.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Compiled(subject.get(), text.get(), html.get()));
    }

    private static Optional<Template> compile(Mustache.Compiler compiler, String resource) {
        InputStream in = NotificationTemplates.class.getResourceAsStream("/templates/" + resource + ".mustache");
        if (in == null) {
            return Optional.empty();
        }
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return Optional.of(compiler.compile(r));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The task names a template that cannot be rendered: retrying will not help. */
    public static final class UnknownTemplateException extends RuntimeException {
        public UnknownTemplateException(String message) {
            super(message);
        }
    }
}

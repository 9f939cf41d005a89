package io.heomdm.app;

import io.heomdm.app.catalog.CatalogDocument;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code heomdm catalog}: the event catalogue, generated from the schemas and the parts' declarations. */
@Command(name = "catalog", mixinStandardHelpOptions = true,
        description = "Print the event catalogue (Markdown): every event type, its schema and versions, its topic or queue, who writes and reads it.")
final class CatalogCommand implements Callable<Integer> {
    @Option(names = "--write", paramLabel = "FILE", description = "write it to FILE instead (docs/catalog.md is kept current this way)")
    Path write;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        var catalog = CatalogDocument.platform();
        if (!catalog.gaps().isEmpty()) {
            catalog.gaps().forEach(spec.commandLine().getErr()::println);
            return 1;
        }
        if (write != null) {
            Files.writeString(write, catalog.markdown(), StandardCharsets.UTF_8);
            spec.commandLine().getOut().println("wrote " + write);
        } else {
            spec.commandLine().getOut().print(catalog.markdown());
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}

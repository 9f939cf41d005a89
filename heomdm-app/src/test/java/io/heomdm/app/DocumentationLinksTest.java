package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Markdown link in the repository that is not a web address names a file that exists and
 * lies inside the repository: documentation that a fresh clone can read, all of it.
 */
class DocumentationLinksTest {
    /** {@code [text](target)} and {@code ![alt](target)}; the target up to a space (a title) or the closing parenthesis. */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

    @Test
    void everyLinkInTheMarkdownNamesAFileOfTheRepository() throws IOException {
        Path root = repositoryRoot();
        List<String> broken = new ArrayList<>();
        List<Path> pages;
        try (Stream<Path> files = Files.walk(root)) {
            pages = files.filter(p -> p.toString().endsWith(".md"))
                    .filter(p -> !root.relativize(p).toString().contains("target")).filter(p -> !root.relativize(p).startsWith(".git")).toList();
        }
        for (Path page : pages) {
            Matcher m = LINK.matcher(Files.readString(page));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*") || target.startsWith("#")) {
                    continue; // a web address or an anchor on the same page
                }
                Path file = page.getParent().resolve(target.replaceFirst("#.*$", "")).normalize();
                if (!file.startsWith(root)) {
                    broken.add(root.relativize(page) + ": " + target + " leaves the repository");
                } else if (!Files.exists(file)) {
                    broken.add(root.relativize(page) + ": " + target + " does not exist");
                }
            }
        }
        assertThat(pages).as("the Markdown pages found").extracting(p -> root.relativize(p).toString())
                .contains("README.md", "CONTRIBUTING.md", "CHANGELOG.md", "docs/architecture.md", "docs/api.md", "docs/operations.md",
                        "docs/configuration.md", "docs/benchmarks.md");
        assertThat(broken).isEmpty();
    }

    @Test
    void aLinkOutOfTheRepositoryOrToNothingIsFound() {
        // the pattern must see the links this test is about
        Matcher m = LINK.matcher("see [the design](../elsewhere/DESIGN.md) and ![a chart](bench/x.png \"title\")");
        List<String> targets = new ArrayList<>();
        while (m.find()) {
            targets.add(m.group(1));
        }
        assertThat(targets).containsExactly("../elsewhere/DESIGN.md", "bench/x.png");
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("the repository root (holding mvnw) above " + Path.of("").toAbsolutePath()).isNotNull();
        return dir;
    }
}

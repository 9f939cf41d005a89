package io.heomdm.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The jar as it ships: the platform's class path (its manifest) holds neither the bench nor what only the bench needs, and the
 * bench and the simulator are there when their directory, lib-bench, is added as ./heomdm does.
 */
class LauncherIT {
    private static final Path JAR = Path.of("target", "heomdm.jar").toAbsolutePath();
    private static final List<String> BENCH_ONLY = List.of("heomdm-bench", "xchart", "kafka-tools-4", "connect-runtime", "pdfbox");

    @Test
    void thePlatformsClassPathHasNoBench() throws IOException {
        try (var jar = new JarFile(JAR.toFile())) {
            String classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
            assertThat(classPath).contains("lib/kafka-clients-", "lib/hibernate-validator-");
            BENCH_ONLY.forEach(name -> assertThat(classPath).as("the platform's class path").doesNotContain("lib/" + name));
        }
        try (var benchOnly = Files.list(JAR.resolveSibling("lib-bench"))) {
            assertThat(benchOnly.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("heomdm-bench-"))
                    .anyMatch(n -> n.startsWith("xchart-"));
        }
    }

    @Test
    void benchAndSimulateAreCommandsOnlyWithLibBench() throws Exception {
        String alone = run("-jar", JAR.toString(), "--help");
        assertThat(alone).contains("  up ", "  replay ").doesNotContain("  bench ", "  simulate ");
        String withBench = run("-cp", JAR + java.io.File.pathSeparator + JAR.resolveSibling("lib-bench") + "/*", Heomdm.class.getName(), "--help");
        assertThat(withBench).contains("  up ", "  bench ", "  simulate ");
        assertThat(run("-jar", JAR.toString(), "up", "--simulate", "10", "--data-dir", Files.createTempDirectory("launcher").toString()))
                .contains("--simulate needs the simulator on the class path");
    }

    private static String run(String... args) throws Exception {
        var command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}

package io.heomdm.app;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import sun.misc.Signal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code heomdm} command. */
@Command(name = "heomdm", mixinStandardHelpOptions = true, version = "heomdm 0.1.0",
        description = "HEOMDM: market development tools on Kafka (the event log) and SQS (the task queue).",
        footer = {"", "Through ./heomdm, also: simulate (a simulated market fed to the platform) and bench (the benchmarks); they are kept "
                + "off the platform's class path, in heomdm-app/target/lib-bench."},
        subcommands = {Heomdm.Up.class, KeysCommand.class, DlqCommand.class, ReplayCommand.class, ArchiveCommand.class, CatalogCommand.class,
                CommandLine.HelpCommand.class})
public final class Heomdm {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("bench") && System.getProperty("heomdm.log.kafka-clients") == null) {
            // read by log4j2.xml, so set before the first logger exists: the bench's broker kills make Kafka's clients warn by design
            // (-Dheomdm.log.kafka-clients=warn in HEOMDM_JAVA_OPTS shows them)
            System.setProperty("heomdm.log.kafka-clients", "error");
        }
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling: a failure is one line naming it, not a stack trace. */
    static CommandLine commandLine() {
        var commandLine = new CommandLine(new Heomdm());
        if (benchPresent()) {
            commandLine.addSubcommand(new SimulateCommand()).addSubcommand(new BenchCommand());
        }
        return commandLine
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof ConfigLoader.ConfigException) {
                        cmd.getErr().println(e.getMessage());
                        return 2;
                    }
                    cmd.getErr().println("heomdm: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
                    return 1;
                });
    }

    /**
     * Whether the bench and the simulator are on the class path: ./heomdm puts them there (heomdm-app/target/lib-bench) for
     * {@code bench}, {@code simulate} and {@code up --simulate} only, so the platform runs without Kafka's tools, XChart and the
     * benchmark's code. Their commands are not even loaded without it.
     */
    static boolean benchPresent() {
        return Heomdm.class.getClassLoader().getResource("io/heomdm/bench/market/MarketFeed.class") != null;
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Start the platform: embedded Kafka, ElasticMQ, H2 and GreenMail unless configured otherwise, every service, and the API.")
    static final class Up implements Callable<Integer> {
        @Option(names = "--config", description = "YAML configuration file (see heomdm-defaults.yaml for every setting)")
        Path config;

        @Option(names = "--data-dir", description = "where embedded servers keep their data (default ./data)")
        Path dataDir;

        @Option(names = "--port", description = "HTTP port of the API (default 8080)")
        Integer port;

        @Option(names = "--simulate", paramLabel = "RATE", description = "also feed a simulated market to the API at RATE events/s")
        Double simulate;

        @Override
        public Integer call() throws InterruptedException {
            Map<String, String> env = new HashMap<>(System.getenv());
            if (dataDir != null) {
                env.put("HEOMDM_DATA_DIR", dataDir.toString());
            }
            if (port != null) {
                env.put("HEOMDM_HTTP_PORT", port.toString());
            }
            HeomdmConfig cfg = ConfigLoader.load(Optional.ofNullable(config), env);
            if (simulate != null && !benchPresent()) {
                throw new IllegalArgumentException("--simulate needs the simulator on the class path: start it with ./heomdm up --simulate, "
                        + "which adds heomdm-app/target/lib-bench");
            }
            Platform platform = Platform.start(cfg);
            Optional<AutoCloseable> feed = Optional.ofNullable(simulate).map(rate -> SimulateCommand.feedPlatform(platform, cfg, rate));
            var stopped = new CountDownLatch(1);
            Runnable stop = () -> {
                feed.ifPresent(Heomdm::closeQuietly);
                platform.close();
                stopped.countDown();
            };
            // SIGTERM and Ctrl-C stop the platform before the JVM runs its exit hooks: one of those is
            // H2's, which closes the embedded database (AUTO_SERVER requires it) under running workers
            for (String signal : List.of("TERM", "INT")) {
                Signal.handle(new Signal(signal), s -> stop.run());
            }
            Runtime.getRuntime().addShutdownHook(new Thread(stop, "heomdm-shutdown")); // any other exit
            stopped.await();
            return 0;
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            System.err.println("heomdm: while stopping the simulator: " + e);
        }
    }
}

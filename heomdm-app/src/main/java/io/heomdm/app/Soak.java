package io.heomdm.app;

import io.heomdm.bench.ConsumerLag;
import io.heomdm.bench.Progress;
import io.heomdm.eventlog.MarketTopics;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * {@code heomdm bench soak}: a steady market of orders through the API for a long time on three
 * brokers in child processes (replication 3, min.insync 2), the broker leading most of the activity
 * log SIGKILLed every few minutes and brought back. Every few seconds it samples the orders
 * acknowledged per second, how far the Streams applications are behind on the activity log (in
 * records and in seconds of the offered rate) and the heap after the last collection. At the end
 * the log and every profile are counted as {@link ExactlyOnceCheck} counts them. It holds when no
 * acknowledged order is lost, none is counted twice or out of order, the lag is back under 5 s within
 * a minute of each kill, and the heap after GC stays within ±10 % of its median from minute 10 on.
 */
final class Soak {
    static final int CLIENTS = 4;
    static final int CUSTOMERS_PER_CLIENT = 25;
    static final double LAG_LIMIT_SECONDS = 5;
    static final Duration RECOVERY_LIMIT = Duration.ofMinutes(1);
    static final Duration HEAP_FROM = Duration.ofMinutes(10);
    static final double HEAP_TOLERANCE = 0.10;

    /** @param instanceKillEvery how often the second instance (a worker process) is killed; zero: the platform runs as one instance */
    record Plan(Duration duration, int ordersPerSecond, Duration killEvery, Duration downtime, Duration sampleEvery, Duration settle,
            Duration instanceKillEvery) {
        static Plan of(Duration duration, int ordersPerSecond, Duration killEvery) {
            return of(duration, ordersPerSecond, killEvery, Duration.ZERO);
        }

        static Plan of(Duration duration, int ordersPerSecond, Duration killEvery, Duration instanceKillEvery) {
            return new Plan(duration, ordersPerSecond, killEvery, Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMinutes(3),
                    instanceKillEvery);
        }

        int kills() {
            // none in the last half minute: its recovery could not be seen
            return (int) Math.max(0, (duration.toSeconds() - 30) / (killEvery.toSeconds() + downtime.toSeconds()));
        }

        /** An instance takes up to half a minute to start again on a loaded machine: none in the last minute. */
        int instanceKills() {
            return instanceKillEvery.isZero() ? 0
                    : (int) Math.max(0, (duration.toSeconds() - 60) / (instanceKillEvery.toSeconds() + downtime.toSeconds() + 30));
        }
    }

    /**
     * One look: when (minutes in, and on the clock), orders acknowledged per second since the last, the worst lag on the
     * activity log and the service whose it is, the heap after GC, and the longest this process stood still since the last
     * look ({@link Stalls}): a lag with a stall is a pause of the JVM or the machine, one without is a service's.
     */
    record Sample(double minute, Instant at, double ordersPerSecond, long lagRecords, double lagSeconds, String laggingService,
            double heapAfterGcMb, double stallMs) {
    }

    /**
     * A kill (of a broker, or of the second instance), and how long after it the lag was last back under the limit
     * (empty: not within the next kill or the end).
     */
    record Kill(double minute, String what, Optional<Duration> recoveredIn) {
        boolean recovered() {
            return recoveredIn.filter(d -> d.compareTo(RECOVERY_LIMIT) <= 0).isPresent();
        }
    }

    record Result(Plan plan, List<Sample> samples, List<Kill> kills, long acknowledged, long posts, long answered503, long lostInLog,
            long lostInProfiles, long countedTwice, long inversions, Optional<Double> heapDrift) {
        boolean exactlyOnce() {
            return lostInLog == 0 && lostInProfiles == 0 && countedTwice == 0 && inversions == 0;
        }

        boolean recovered() {
            return kills.stream().allMatch(Kill::recovered);
        }

        /** Unjudged (true) when the run ends before there is a heap to judge. */
        boolean heapSteady() {
            return heapDrift.map(d -> d <= HEAP_TOLERANCE).orElse(true);
        }

        boolean holds() {
            return exactlyOnce() && recovered() && heapSteady();
        }
    }

    static Result run(Plan plan, Path dir, PrintStream out) throws Exception {
        heapAfterGcMb(); // listening to the collector from now
        var progress = new Progress(out, 3);
        if (plan.instanceKillEvery().isZero()) {
            progress.step("starting three brokers (replication 3, min.insync 2) and the platform on them");
            return ExactlyOnceCheck.onCluster(dir, "soak", (cluster, client) -> run(plan, dir, out, progress, cluster, client, Optional.empty()));
        }
        progress.step("starting three brokers (replication 3, min.insync 2) and two instances of the platform on them, one in a child process");
        return InstanceNemesis.onCluster(dir, "soak", plan.instanceKills(), plan.instanceKillEvery(), plan.downtime(),
                (cluster, client, instance) -> run(plan, dir, out, progress, cluster, client, Optional.of(instance)));
    }

    private static Result run(Plan plan, Path dir, PrintStream out, Progress progress, io.heomdm.embedded.EmbeddedKafkaCluster cluster,
            ExactlyOnceCheck.Client client, Optional<InstanceNemesis> instance) throws Exception {
        progress.done("API at " + client.base());
        progress.step(String.format("%,d orders/s through the API for %d min, the activity log's leader killed every %d s (up to %d kills)%s",
                plan.ordersPerSecond(), plan.duration().toMinutes(), plan.killEvery().toSeconds(), plan.kills(), instance.isEmpty() ? ""
                        : String.format(", the second instance every %d s (up to %d kills)", plan.instanceKillEvery().toSeconds(), plan.instanceKills())));
        var nemesis = new LeaderNemesis(cluster, plan.kills(), plan.downtime(), plan.killEvery());
        // to a file, not the heap: the heap is measured, and a map of every order would grow it by design
        var acknowledged = new AcknowledgedOrders(dir.resolve("acknowledged.tsv"));
        var counters = new ExactlyOnceCheck.Counters();
        List<Sample> samples = new CopyOnWriteArrayList<>();
        long began = System.nanoTime();
        long end = began + plan.duration().toNanos();
        double roundsPerSecond = plan.ordersPerSecond() / (double) (CLIENTS * CUSTOMERS_PER_CLIENT);
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 2);
        var sampler = Executors.newSingleThreadScheduledExecutor();
        try (var stalls = new Stalls(); Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers(), "default.api.timeout.ms", 4000, "request.timeout.ms", 4000))) {
            var lag = new ConsumerLag(admin);
            long[] last = {began, 0};
            // a full collection a minute (a pause of a few hundred ms), so the heap figure is the live set
            sampler.scheduleAtFixedRate(System::gc, 0, 1, TimeUnit.MINUTES);
            sampler.scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                long acked = counters.acknowledged.get();
                double rate = (acked - last[1]) / ((now - last[0]) / 1e9);
                last[0] = now;
                last[1] = acked;
                var worst = behind(lag);
                long behind = worst.getValue();
                samples.add(new Sample((now - began) / 60e9, Instant.now(), rate, behind,
                        behind < 0 ? Double.NaN : behind / (double) plan.ordersPerSecond(), worst.getKey(), heapAfterGcMb(), stalls.worstSinceLastLookMs()));
                out.printf("\r  %5.1f min  %,7.0f orders/s  lag %,9d records (%s)  heap after GC %,6.0f MB  kills %d   ", (now - began) / 60e9,
                        rate, behind, worst.getKey(), heapAfterGcMb(), nemesis.kills.get() + instance.map(i -> i.killedAt.size()).orElse(0));
                out.flush();
            }, plan.sampleEvery().toMillis(), plan.sampleEvery().toMillis(), TimeUnit.MILLISECONDS);
            // the plan counts on kills as frequent as asked; a broker or an instance takes longer to come back on a loaded
            // machine, and a kill too near the end would have no time left to be judged in
            nemesis.killNoneAfter(end - Duration.ofSeconds(30).toNanos());
            instance.ifPresent(i -> i.killNoneAfter(end - Duration.ofSeconds(60).toNanos()));
            Future<?> kills = pool.submit(nemesis);
            Optional<Future<Void>> instanceKills = instance.map(i -> pool.submit((java.util.concurrent.Callable<Void>) i));
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int id = c;
                clients.add(pool.submit(() -> {
                    ExactlyOnceCheck.post(client, id, CUSTOMERS_PER_CLIENT, 0.01, acknowledged::add, counters, sent -> System.nanoTime() < end,
                            roundsPerSecond);
                    return null;
                }));
            }
            for (Future<?> f : clients) {
                f.get();
            }
            kills.get();
            if (instanceKills.isPresent()) {
                instanceKills.get().get();
            }
            Thread.sleep(plan.sampleEvery().toMillis()); // one look after the last order
        } finally {
            sampler.shutdownNow();
            pool.shutdownNow();
            acknowledged.close();
        }
        out.println();
        progress.done(String.format("%,d orders acknowledged in %,d posts (%,d answered 503); %d broker and %d instance kills",
                counters.acknowledged.get(), counters.posts.get(), counters.unavailable.get(), nemesis.kills.get(),
                instance.map(i -> i.killedAt.size()).orElse(0)));

        progress.step("reading the activity log and every customer's profile");
        var orders = acknowledged.read();
        long[] log = ExactlyOnceCheck.checkLog(cluster.bootstrapServers(), orders);
        long[] profiles = ExactlyOnceCheck.checkProfiles(client, orders, plan.settle(), out);
        progress.done("read");
        List<Double> killMinutes = nemesis.killedAt.stream().map(t -> (t - began) / 60e9).toList();
        List<Double> instanceKillMinutes = instance.map(i -> i.killedAt.stream().map(t -> (t - began) / 60e9).toList()).orElse(List.of());
        return new Result(plan, List.copyOf(samples), kills(killMinutes, instanceKillMinutes, samples, plan.duration().toSeconds() / 60.0),
                counters.acknowledged.get(), counters.posts.get(), counters.unavailable.get(), log[0], profiles[0], profiles[1], log[1],
                heapDrift(samples));
    }

    /** The group furthest behind on the activity log and by how many records; -1 while the cluster does not answer. */
    private static Map.Entry<String, Long> behind(ConsumerLag lag) {
        try {
            return lag.read(PlatformServices.GROUPS.values(), MarketTopics.ACTIVITY.name()).entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue().lagOn())).max(Map.Entry.comparingByValue()).orElse(Map.entry("-", 0L));
        } catch (Exception e) {
            return Map.entry("-", -1L); // a broker just killed: this look is lost, the next one counts
        }
    }

    /**
     * The heap in use right after the last full collection, summed over the heap's pools (0 before the
     * first): the live set. After a young collection the old generation still holds whatever garbage
     * was promoted, which grows until a concurrent cycle far off on a large heap, a leak or not.
     */
    static double heapAfterGcMb() {
        return HeapAfterGc.last / 1048576.0;
    }

    /** Told by the JVM after every full collection what each pool held once it was done. */
    private static final class HeapAfterGc {
        static volatile long last;

        static {
            var heapPools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                    .map(java.lang.management.MemoryPoolMXBean::getName).collect(java.util.stream.Collectors.toSet());
            for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                ((javax.management.NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                    if (notification.getType().equals(com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                        var info = com.sun.management.GarbageCollectionNotificationInfo.from(
                                (javax.management.openmbean.CompositeData) notification.getUserData());
                        if (!info.getGcAction().equals("end of major GC")) {
                            return;
                        }
                        last = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream().filter(e -> heapPools.contains(e.getKey()))
                                .mapToLong(e -> e.getValue().getUsed()).sum();
                    }
                }, null, null);
            }
        }
    }

    /** The brokers' kills and the instance's, in the order they happened, each judged up to the next of either. */
    static List<Kill> kills(List<Double> brokerKills, List<Double> instanceKills, List<Sample> samples, double endMinute) {
        List<Double> all = new ArrayList<>(brokerKills);
        all.addAll(instanceKills);
        all.sort(null);
        return kills(all, samples, endMinute).stream()
                .map(k -> new Kill(k.minute(), instanceKills.contains(k.minute()) ? "instance" : "broker", k.recoveredIn())).toList();
    }

    /** Per kill: from it to the next (or the end), when the lag was last over the limit, and so when it was back under it. */
    static List<Kill> kills(List<Double> killMinutes, List<Sample> samples, double endMinute) {
        List<Kill> kills = new ArrayList<>();
        for (int k = 0; k < killMinutes.size(); k++) {
            double from = killMinutes.get(k);
            double to = k + 1 < killMinutes.size() ? killMinutes.get(k + 1) : Math.max(endMinute, from);
            List<Sample> window = samples.stream().filter(s -> s.minute() >= from && s.minute() <= to && !Double.isNaN(s.lagSeconds())).toList();
            int lastOver = -1;
            for (int i = 0; i < window.size(); i++) {
                if (window.get(i).lagSeconds() >= LAG_LIMIT_SECONDS) {
                    lastOver = i;
                }
            }
            Optional<Duration> recovered;
            if (lastOver < 0) {
                recovered = window.isEmpty() ? Optional.empty() : Optional.of(Duration.ZERO);
            } else if (lastOver + 1 < window.size()) {
                recovered = Optional.of(Duration.ofMillis(Math.round((window.get(lastOver + 1).minute() - from) * 60_000)));
            } else {
                recovered = Optional.empty();
            }
            kills.add(new Kill(from, "broker", recovered));
        }
        return kills;
    }

    /** The largest distance of the heap after GC from its median, as a share of it, from minute 10 on; empty for a shorter run. */
    static Optional<Double> heapDrift(List<Sample> samples) {
        double[] heap = samples.stream().filter(s -> s.minute() >= HEAP_FROM.toSeconds() / 60.0 && s.heapAfterGcMb() > 0)
                .mapToDouble(Sample::heapAfterGcMb).sorted().toArray();
        if (heap.length < 3) {
            return Optional.empty();
        }
        double median = heap[heap.length / 2];
        return Optional.of(Math.max(median - heap[0], heap[heap.length - 1] - median) / median);
    }
}

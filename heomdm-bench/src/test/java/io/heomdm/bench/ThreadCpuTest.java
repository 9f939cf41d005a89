package io.heomdm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {
    @Test
    void aStatLineGivesUserPlusSystemTicksWhateverTheThreadIsCalled() {
        // the name may hold spaces and parentheses: fields are counted after the last ')'
        String stat = "4242 (C2 Compi) (x)) S 1 1 1 0 -1 4194368 100 0 0 0 1234 56 0 0 20 0 40 0 100 0 0";
        assertThat(ThreadCpu.ticks(stat)).isEqualTo(1290);
        assertThat(ThreadCpu.isJvmThread("C2 CompilerThre")).isTrue();
        assertThat(ThreadCpu.isJvmThread("heomdm-analytic")).isFalse();
    }

    @Test
    void aBusyThreadShowsInItsGroupAndKeepsItsTimeWhenItEnds() throws Exception {
        var cpu = new ThreadCpu(name -> name.startsWith("busy-") ? "busy" : "rest");
        var spun = new java.util.concurrent.CountDownLatch(1);
        var stop = new java.util.concurrent.CountDownLatch(1);
        Thread busy = new Thread(() -> {
            // 200 ms of its own CPU time, not of the wall clock: on a loaded machine a wall-clock spin gets less
            var bean = java.lang.management.ManagementFactory.getThreadMXBean();
            long until = bean.getCurrentThreadCpuTime() + 200_000_000L;
            double x = 0;
            while (bean.getCurrentThreadCpuTime() < until) {
                x += Math.sqrt(x + 1);
            }
            spun.countDown();
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "busy-1");
        busy.start();
        spun.await();
        long seen = cpu.sample().get("busy");
        assertThat(seen).as("200 ms of spinning").isGreaterThan(100_000_000L);
        stop.countDown();
        busy.join();
        Map<String, Long> after = cpu.sample();
        assertThat(after.get("busy")).as("the time of a thread that ended is kept").isGreaterThanOrEqualTo(seen);
    }
}

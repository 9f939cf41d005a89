package io.heomdm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JitActivityTest {
    @Test
    void aCompilerThreadsTicksAreItsUserAndSystemTime() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        String c2 = "4242 (C2 CompilerThre) S 1 4200 4200 0 -1 1077936192 9 0 0 0 1234 56 0 0 20 0 30 0 900 0 0\n";
        assertThat(JitActivity.compilerTicks(c2)).isEqualTo(1290);
        assertThat(JitActivity.compilerTicks(c2.replace("C2", "C1"))).isEqualTo(1290);
    }

    @Test
    void otherThreadsCountNothingEvenWithAParenthesisInTheirName() {
        assertThat(JitActivity.compilerTicks("4243 (pool-1 (x) main) R 1 4200 4200 0 -1 0 9 0 0 0 1234 56 0 0 20 0 30 0 900 0 0")).isZero();
        assertThat(JitActivity.compilerTicks("")).isZero();
    }

    @Test
    void thisJvmHasCompiledSomethingByNowOnLinuxAndReadsZeroElsewhere() {
        // the test JVM has run JUnit and AssertJ: its C1 compiler has worked
        if (System.getProperty("os.name").equals("Linux")) {
            assertThat(JitActivity.compilerCpuNanos()).isPositive();
        } else {
            assertThat(JitActivity.compilerCpuNanos()).isZero();
        }
    }
}

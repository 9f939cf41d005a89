package io.heomdm.gateway;

/** One dependency the platform needs, checked on {@code GET /health}. Must answer within a second or two. */
public interface HealthCheck {
    String name();

    /** True when the dependency answers. */
    boolean isUp();

    /** Records it parked in a dead-letter topic or table since it started: up, but someone should look (DEGRADED). */
    default long deadLetters() {
        return 0;
    }

    static HealthCheck of(String name, java.util.function.BooleanSupplier check) {
        return of(name, check, () -> 0);
    }

    static HealthCheck of(String name, java.util.function.BooleanSupplier check, java.util.function.LongSupplier deadLetters) {
        return new HealthCheck() {
            @Override
            public long deadLetters() {
                return deadLetters.getAsLong();
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean isUp() {
                return check.getAsBoolean();
            }
        };
    }
}

package io.heomdm.gateway;

/** One dependency the platform needs, checked on {@code GET /health}. Must answer within a second or two. */
public interface HealthCheck {
    String name();

    /** True when the dependency answers. */
    boolean isUp();

    static HealthCheck of(String name, java.util.function.BooleanSupplier check) {
        return new HealthCheck() {
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

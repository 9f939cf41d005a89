package io.heomdm.eventlog;

/**
 * A handler's failure that is not its event's fault: something it needs (a database, a service) is
 * down. The subscriber retries such an event for as long as the outage lasts, backing off to at most
 * {@link KafkaEventSubscriber#OUTAGE_BACKOFF}, and never counts it towards dead-lettering: an outage
 * of minutes parks nothing, and the partition goes on within seconds of the dependency's return.
 */
public final class DependencyDown extends RuntimeException {
    private final String dependency;

    public DependencyDown(String dependency, Throwable cause) {
        super(dependency + " is down", cause);
        this.dependency = dependency;
    }

    public String dependency() {
        return dependency;
    }

    /** The outage among the failure's causes, if it is one. */
    static DependencyDown in(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof DependencyDown down) {
                return down;
            }
        }
        return null;
    }
}

package io.heomdm.tasks;

import java.util.Optional;

/** Delivers one e-mail. Thread-safe. Returns the Message-ID the server accepted. */
@FunctionalInterface
public interface Mailer {
    String send(String to, NotificationTemplates.Rendered content) throws Exception;

    /** The server it sends through, whose outages hold the notification tasks in their queue; none for a mailer with no server. */
    default Optional<Dependency> server() {
        return Optional.empty();
    }
}

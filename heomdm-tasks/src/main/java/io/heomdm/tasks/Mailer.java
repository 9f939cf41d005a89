package io.heomdm.tasks;

/** Delivers one e-mail. Thread-safe. Returns the Message-ID the server accepted. */
@FunctionalInterface
public interface Mailer {
    String send(String to, NotificationTemplates.Rendered content) throws Exception;
}

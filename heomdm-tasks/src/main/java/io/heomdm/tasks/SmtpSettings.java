package io.heomdm.tasks;

import java.util.Objects;
import java.util.Optional;

/** The SMTP server notifications are delivered through (GreenMail locally, any SMTP server in production). */
public record SmtpSettings(String host, int port, String from, Optional<String> username, Optional<String> password, boolean startTls) {
    public SmtpSettings {
        Objects.requireNonNull(host);
        Objects.requireNonNull(from);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535");
        }
    }
}

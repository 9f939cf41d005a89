package io.heomdm.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.heomdm.embedded.EmbeddedSmtp;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SmtpMailerIT {
    static final NotificationTemplates.Rendered MAIL = new NotificationTemplates.Rendered("subject", "text", "<p>html</p>");

    @Test
    void startTlsIsRequiredWhenConfigured() throws Exception {
        try (var smtp = EmbeddedSmtp.start(0)) {
            // GreenMail's plain SMTP offers no STARTTLS: a mailer that requires it must not send in plain text
            var strict = new SmtpMailer(new SmtpSettings(smtp.host(), smtp.port(), "shop@example.com", Optional.of("u"), Optional.of("p"), true));
            assertThatThrownBy(() -> strict.send("ada@example.com", MAIL)).hasMessageContaining("STARTTLS");
            assertThat(smtp.receivedMessages()).isEmpty();
            var plain = new SmtpMailer(new SmtpSettings(smtp.host(), smtp.port(), "shop@example.com", Optional.empty(), Optional.empty(), false));
            plain.send("ada@example.com", MAIL);
            assertThat(smtp.receivedMessages()).hasSize(1);
        }
    }

    @Test
    void aConnectionIsKeptBetweenMailsAndANewOneOpenedWhenTheServerDroppedIt() throws Exception {
        int port;
        try (var smtp = EmbeddedSmtp.start(0)) {
            port = smtp.port();
            try (var mailer = new SmtpMailer(new SmtpSettings(smtp.host(), port, "shop@example.com", Optional.empty(), Optional.empty(), false))) {
                for (int i = 0; i < 5; i++) {
                    mailer.send("ada" + i + "@example.com", MAIL);
                }
                assertThat(smtp.receivedMessages()).hasSize(5);
                smtp.close(); // the kept connection goes with the server
                try (var again = EmbeddedSmtp.start(port)) {
                    mailer.send("grace@example.com", MAIL);
                    assertThat(again.receivedMessages()).as("sent on a new connection, not the dropped one").hasSize(1);
                }
            }
        }
    }
}

package io.heomdm.tasks;

import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Properties;

/**
 * {@link Mailer} over SMTP with Jakarta Mail: a multipart/alternative message, plain text and HTML.
 * Connections are kept open between mails (one per sending thread at most): a new one per mail —
 * TCP, greeting, EHLO, QUIT, and a thread on the server for each — cost more than the mail.
 */
public final class SmtpMailer implements Mailer, AutoCloseable {
    /** A connection idle this long is closed rather than reused: servers drop idle ones after a few minutes. */
    private static final long IDLE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    private final Session session;
    private final InternetAddress from;
    private final Dependency server;
    private final java.util.concurrent.ConcurrentLinkedDeque<Idle> idle = new java.util.concurrent.ConcurrentLinkedDeque<>();

    private record Idle(Transport transport, long since) {
    }

    public SmtpMailer(SmtpSettings settings) throws jakarta.mail.internet.AddressException {
        Properties p = new Properties();
        p.put("mail.smtp.host", settings.host());
        p.put("mail.smtp.port", String.valueOf(settings.port()));
        p.put("mail.smtp.connectiontimeout", "5000");
        p.put("mail.smtp.timeout", "10000");
        p.put("mail.smtp.writetimeout", "10000");
        p.put("mail.smtp.starttls.enable", String.valueOf(settings.startTls()));
        // required, not opportunistic: a server (or a man in the middle) that does not offer STARTTLS fails the connection
        // instead of getting the message, and the password, in plain text
        p.put("mail.smtp.starttls.required", String.valueOf(settings.startTls()));
        Authenticator auth = null;
        if (settings.username().isPresent()) {
            p.put("mail.smtp.auth", "true");
            auth = new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(settings.username().get(), settings.password().orElse(""));
                }
            };
        }
        this.session = Session.getInstance(p, auth);
        this.from = new InternetAddress(settings.from(), true);
        this.server = new Dependency("SMTP server " + settings.host() + ":" + settings.port(), settings.host(), settings.port(),
                SmtpMailer::isTransient);
    }

    /** A failure of the server, not of one message: a recipient refused for good is the message's. */
    private static boolean isTransient(Throwable e) {
        return !(e instanceof jakarta.mail.internet.AddressException)
                && !(e instanceof jakarta.mail.SendFailedException failed && failed.getInvalidAddresses() != null && failed.getInvalidAddresses().length > 0);
    }

    @Override
    public Optional<Dependency> server() {
        return Optional.of(server);
    }

    @Override
    public String send(String to, NotificationTemplates.Rendered content) throws Exception {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(from);
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
        message.setSubject(content.subject(), StandardCharsets.UTF_8.name());
        var text = new MimeBodyPart();
        text.setText(content.text(), StandardCharsets.UTF_8.name());
        var html = new MimeBodyPart();
        html.setContent(content.html(), "text/html; charset=UTF-8");
        var body = new MimeMultipart("alternative", text, html);
        message.setContent(body);
        message.saveChanges();
        return server.call(() -> {
            Idle kept = takeIdle();
            Transport transport = kept != null ? kept.transport() : session.getTransport("smtp");
            if (kept == null) {
                transport.connect();
            }
            return sendOn(transport, message);
        });
    }

    /** Sends on an open connection and keeps it for the next mail; a connection that failed is closed. */
    private String sendOn(Transport transport, MimeMessage message) throws jakarta.mail.MessagingException {
        try {
            transport.sendMessage(message, message.getAllRecipients());
        } catch (jakarta.mail.MessagingException | RuntimeException e) {
            closeQuietly(transport);
            throw e;
        }
        idle.push(new Idle(transport, System.nanoTime()));
        return message.getMessageID();
    }

    /**
     * The most recently used open connection, closing those idle too long; null when there is none.
     * Jakarta Mail's {@code isConnected} asks the server (NOOP), so a connection it dropped is not used.
     */
    private Idle takeIdle() {
        for (Idle kept = idle.poll(); kept != null; kept = idle.poll()) {
            if (System.nanoTime() - kept.since() < IDLE_NANOS && kept.transport().isConnected()) {
                return kept;
            }
            closeQuietly(kept.transport());
        }
        return null;
    }

    private static void closeQuietly(Transport transport) {
        try {
            transport.close();
        } catch (jakarta.mail.MessagingException | RuntimeException e) {
            // closing a connection that failed: nothing left to do
        }
    }

    /** Closes the kept connections. */
    @Override
    public void close() {
        for (Idle kept = idle.poll(); kept != null; kept = idle.poll()) {
            closeQuietly(kept.transport());
        }
    }
}

package io.heomdm.embedded;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.heomdm.embedded.internal.Ports;
import jakarta.mail.internet.MimeMessage;
import java.util.List;

/** GreenMail, a real SMTP server that keeps what it receives in memory, on 127.0.0.1. Thread-safe. */
public final class EmbeddedSmtp implements AutoCloseable {
    private final GreenMail greenMail;
    private final int port;

    private EmbeddedSmtp(GreenMail greenMail, int port) {
        this.greenMail = greenMail;
        this.port = port;
    }

    public static EmbeddedSmtp start(int port) {
        int bound = Ports.claim(port, "SMTP server");
        var greenMail = new GreenMail(new ServerSetup(bound, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        return new EmbeddedSmtp(greenMail, bound);
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** Every message received so far, oldest first. */
    public List<MimeMessage> receivedMessages() {
        return List.of(greenMail.getReceivedMessages());
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}

package io.heomdm.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own errors — a request it refuses before any route runs (a malformed URI or header,
 * headers too large, the server full) — as problem+json instead of Jetty's HTML page, with
 * Retry-After on a 503. Jetty's message is kept (it names what was wrong); a stack never is.
 */
final class JettyProblems extends ErrorHandler {
    static final int RETRY_AFTER_SECONDS = 1;

    /** Jetty writes an error body only for GET, POST and HEAD; every method gets its problem here (found by the fuzz test). */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
        if (code == 503) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS));
        }
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/problem+json"));
        return ByteBuffer.wrap(body(status, reason));
    }

    static byte[] body(int code, String message) {
        String title = HttpStatus.getMessage(code);
        String slug = switch (code) {
            case 400 -> "bad-request";
            case 408 -> "request-timeout";
            case 413 -> "too-large";
            case 414 -> "uri-too-long";
            case 431 -> "headers-too-large";
            case 503 -> "overloaded";
            default -> "http-" + code;
        };
        String detail = code == 503 ? "the server is at its limit of requests in progress; retry after " + RETRY_AFTER_SECONDS + " s"
                : message == null || message.isBlank() ? title : message;
        try {
            return Requests.JSON.writeValueAsBytes(Problem.of(code, slug, title, detail));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.heomdm.gateway;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.heomdm.gateway.Problem.FieldError;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/** What every resource does with a request: bounded bodies, strict UTF-8, JSON, query parameters, answers. */
final class Requests {
    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    static final String PRINCIPAL = "heomdm.principal";
    static final String REQUEST_ID = "heomdm.requestId";

    private Requests() {
    }

    /**
     * An oversized body up to this size is read and thrown away before the 413 is sent. Answered at once, the connection
     * was closed with the body's rest unread, the kernel answered it with a reset, and a client still sending lost the
     * 413 to a broken pipe (GatewayIT, once in CI, with the JDK's client). Beyond it the client may see only the reset.
     */
    static final long DRAINED_UP_TO = 1 << 20;

    /** The body, refused with 413 on its Content-Length when the client sent one, and while reading otherwise. */
    static byte[] body(Context ctx, int max) {
        long declared = ctx.req().getContentLengthLong();
        try (InputStream in = ctx.req().getInputStream()) {
            if (declared > max) {
                throw tooLarge(max, in, declared);
            }
            var out = new ByteArrayOutputStream((int) Math.max(0, Math.min(declared, max)));
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                if (out.size() > max) {
                    throw tooLarge(max, in, out.size());
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            // a client that stopped sending mid-body (or too slowly: the connector's minimum data rate)
            throw new ProblemException(Problem.of(408, "request-timeout", "Request body not received", "the body did not arrive in time"));
        }
    }

    /** The 413, after reading what is left of a body that is not too large to drain. */
    private static ProblemException tooLarge(int max, InputStream in, long size) {
        if (size <= DRAINED_UP_TO) {
            byte[] buf = new byte[8192];
            long read = 0;
            int n;
            try {
                while (read <= DRAINED_UP_TO && (n = in.read(buf)) > 0) {
                    read += n;
                }
            } catch (IOException e) {
                // the client stopped sending: the 413 is still the answer
            }
        }
        return tooLarge(max);
    }

    private static ProblemException tooLarge(int max) {
        return new ProblemException(Problem.of(413, "too-large", "Request body too large", "bodies are limited to " + max + " bytes; split the batch"));
    }

    /** The bytes as UTF-8, refusing invalid sequences rather than replacing them. */
    /** Refuses a body that is not strict UTF-8, without decoding the (usual) all-ASCII one. */
    static void requireUtf8(byte[] body) {
        for (byte b : body) {
            if (b < 0) {
                utf8(body);
                return;
            }
        }
    }

    static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw ProblemException.invalid("invalid-encoding", "Invalid encoding", "the body is not valid UTF-8", "(body)", "must be UTF-8");
        }
    }

    /** The body as JSON (a MissingNode when it is not JSON). */
    static JsonNode jsonBody(Context ctx, int max) {
        String text = utf8(body(ctx, max));
        try {
            JsonNode tree = JSON.readTree(text);
            return tree == null ? MissingNode.getInstance() : tree;
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    /** A whole-number query parameter from 1 to {@code max}, or the default; 400 naming it otherwise. */
    static int count(Context ctx, String name, int fallback, int max) {
        String raw = ctx.queryParam(name);
        if (raw == null) {
            return fallback;
        }
        int n;
        try {
            n = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > max) {
            throw ProblemException.invalid("invalid-query", "Invalid query", "the query is not valid", name, "must be a whole number from 1 to " + max);
        }
        return n;
    }

    /**
     * The rule the raw path or query breaks, if any: every {@code %} starts two hex digits, and what
     * the escapes spell is UTF-8. Checked before routing: the router decodes path parameters while
     * matching, where a malformed escape would be an exception, not an answer (found by the fuzz test).
     */
    static java.util.Optional<String> escapeProblem(String raw) {
        if (raw == null || raw.indexOf('%') < 0) {
            return java.util.Optional.empty();
        }
        var bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() || Character.digit(raw.charAt(i + 1), 16) < 0 || Character.digit(raw.charAt(i + 2), 16) < 0) {
                    return java.util.Optional.of("every % must start a two-digit hex escape such as %2F");
                }
                bytes.write(Character.digit(raw.charAt(i + 1), 16) * 16 + Character.digit(raw.charAt(i + 2), 16));
                i += 2;
            } else {
                bytes.write(c < 0x80 ? c : '?');
            }
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()));
            return java.util.Optional.empty();
        } catch (CharacterCodingException e) {
            return java.util.Optional.of("percent-escapes must spell UTF-8");
        }
    }

    /** A path parameter (decoded once by the router), bounded like the ids it names. */
    static String id(Context ctx, String name) {
        String value = ctx.pathParam(name);
        if (value.isEmpty() || value.length() > 200 || value.chars().anyMatch(Character::isISOControl)) {
            throw ProblemException.invalid("invalid-path", "Invalid path", "the path is not valid", name,
                    "must be 1 to 200 characters without control characters");
        }
        return value;
    }

    static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** 204 when deleted; 404 when never defined through the API; 409 when it comes from the configuration. */
    static void deleted(Context ctx, io.heomdm.eventlog.streams.Deletion outcome, String what, String name, String configuredIn) {
        switch (outcome) {
            case DELETED -> ctx.status(204);
            case NOT_FOUND -> throw new ProblemException(Problem.of(404, "not-found", "Not found", "no " + what + " '" + name + "' was defined through the API"));
            case CONFIGURED -> throw new ProblemException(Problem.of(409, "configured", "Defined in the configuration",
                    "the " + what + " '" + name + "' comes from the configuration (" + configuredIn + "); change it there"));
        }
    }

    static <T> void found(Context ctx, Optional<T> value, String missing) {
        json(ctx, 200, value.orElseThrow(() -> new ProblemException(Problem.of(404, "not-found", "Not found", missing))));
    }

    static Principal principal(Context ctx) {
        return ctx.attribute(PRINCIPAL);
    }

    static String requestId(Context ctx) {
        return ctx.attribute(REQUEST_ID);
    }

    static ProblemException violations(String slug, String title, String detail, List<io.heomdm.events.Violation> violations) {
        return new ProblemException(Problem.of(400, slug, title, detail)
                .withErrors(violations.stream().map(v -> new FieldError(null, v.field(), v.rule())).toList()));
    }
}

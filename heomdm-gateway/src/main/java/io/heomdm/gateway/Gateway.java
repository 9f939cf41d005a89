package io.heomdm.gateway;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.router.ParsedEndpoint;
import io.javalin.security.RouteRole;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge, on Javalin (Jetty 12). Every route is registered by a resource with the one
 * {@link Scope} it needs; a filter authenticates the {@code Authorization: Bearer} key, checks the
 * scope and the key's rate limit before any handler runs. Every failure answers: an expected one
 * as RFC 9457 problem+json naming the field and rule, an unexpected one as a 500 problem whose
 * {@code requestId} is also in the log; Jetty's own refusals (malformed requests, the server
 * full) are problems too.
 *
 * <p>Limits: a bounded number of requests in progress and waiting (Jetty's QoSHandler: 503 with
 * Retry-After past them), header size, a minimum body data rate, an idle timeout, bodies refused
 * on their Content-Length before they are read, a token bucket per key (429 with Retry-After).
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    /** Acceptor and selector threads Jetty needs beside the request threads. */
    private static final int JETTY_RESERVED_THREADS = 6;

    private final GatewaySettings settings;
    private final Backends backends;
    private final RandomGenerator random;
    private final RateLimits rateLimits;
    /** Invalid API keys per client address ({@code Limits.failedKeysPerMinute}). */
    private final RateLimits failedAuth;
    private final EventsResource events;
    private final Javalin app;

    public Gateway(GatewaySettings settings, Backends backends, PrometheusMeterRegistry metrics, RandomGenerator random) {
        this.settings = settings;
        this.backends = backends;
        this.random = random;
        this.rateLimits = new RateLimits(settings.limits().requestsPerSecond(), settings.limits().burst());
        this.failedAuth = RateLimits.perMinute(settings.limits().failedKeysPerMinute());
        this.events = new EventsResource(settings, backends.ingestion(), backends.publisher(), metrics, random);
        List<Resource> resources = List.of(events,
                new CustomersResource(backends.customers(), backends.analytics(), backends.ingestion(), events, backends.audit(), random),
                new SegmentsResource(backends.analytics(), settings, backends.audit()),
                new PricingResource(backends.analytics(), backends.decisions(), settings, backends.audit()),
                new RecommendationsResource(backends.decisions()),
                new CampaignsResource(backends.customers(), backends.journeys(), settings, backends.audit()),
                new OperationsResource(backends.health(), metrics, backends.audit(), backends.catalogue()),
                new KeysResource(backends.keyAdmin(), backends.audit()),
                new DeadLettersResource(backends.deadLetters(), backends.audit()),
                new ReplayResource(backends.rebuilds(), backends.copies(), backends.audit()),
                new ReportsResource(backends.reports(), java.time.Clock.systemUTC()));
        this.app = Javalin.create(config -> configure(config, resources));
        if (settings.tls().isPresent()) {
            app.start(); // on the TLS connector only (configure)
        } else {
            app.start(settings.host(), settings.port());
        }
        for (var connector : app.jettyServer().server().getConnectors()) {
            if (connector instanceof ServerConnector c) {
                c.setIdleTimeout(settings.limits().idleTimeout().toMillis());
            }
        }
    }

    private void configure(JavalinConfig config, List<Resource> resources) {
        var limits = settings.limits();
        config.startup.showJavalinBanner = false;
        config.startup.showOldJavalinVersionWarning = false;
        config.http.maxRequestSize = settings.maxBodyBytes();
        config.http.prefer405over404 = true;
        config.jetty.threadPool = new QueuedThreadPool(settings.threads() + JETTY_RESERVED_THREADS, Math.min(4, settings.threads()));
        config.jetty.modifyServer(server -> {
            server.setErrorHandler(new JettyProblems());
            // on stop: no new connections, 503 for a new request on an open one, and the requests in
            // flight answered; they end within their acknowledgement deadline
            server.setHandler(new GracefulHandler());
            server.setStopTimeout(settings.ackTimeout().plusSeconds(1).toMillis());
        });
        config.jetty.modifyServletContextHandler(context -> {
            context.setErrorHandler(new JettyProblems());
            var qos = new QoSHandler();
            qos.setMaxRequestCount(settings.threads());
            qos.setMaxSuspendedRequestCount(limits.maxQueued());
            qos.setMaxSuspend(limits.maxQueueWait());
            qos.excludePath("/health"); // cheap, and what a load balancer asks while the server is full
            context.insertHandler(qos);
        });
        settings.tls().ifPresent(tls -> config.jetty.addConnector((server, http) -> {
            var ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(tls.keyStore().toString());
            ssl.setKeyStorePassword(tls.keyStorePassword());
            http.addCustomizer(new SecureRequestCustomizer(false));
            var connector = new ServerConnector(server, ssl, new HttpConnectionFactory(http));
            connector.setHost(settings.host());
            connector.setPort(settings.port());
            return connector;
        }));
        config.jetty.modifyHttpConfiguration(http -> {
            http.setRequestHeaderSize(limits.maxHeaderBytes());
            http.setMinRequestDataRate(limits.minBodyBytesPerSecond());
            http.setIdleTimeout(limits.bodyTimeout().toMillis()); // blocking reads of a request's body
            http.setSendServerVersion(false);
            http.setSendXPoweredBy(false);
        });
        config.routes.before(this::identify);
        config.routes.beforeMatched(this::authorize);
        resources.forEach(r -> r.routes(config.routes));
        config.routes.exception(ProblemException.class, (e, ctx) -> answer(ctx, e.problem(), e.headers()));
        config.routes.exception(Unavailable.class, (e, ctx) -> answer(ctx,
                Problem.of(503, e.service() + "-unavailable", "Service unavailable", e.getMessage()), Map.of("Retry-After", "2")));
        config.routes.exception(HttpResponseException.class, (e, ctx) -> answer(ctx,
                Problem.of(e.getStatus(), "http-" + e.getStatus(), e.getMessage(), e.getMessage()), Map.of()));
        config.routes.exception(Exception.class, (e, ctx) -> {
            log.error("request {} {} failed (requestId {})", ctx.method(), ctx.path(), Requests.requestId(ctx), e);
            answer(ctx, Problem.of(500, "internal", "Internal error",
                    "the request could not be completed; quote its requestId to the operator"), Map.of());
        });
        config.router.javaLangErrorHandler((res, error) -> {
            log.error("request failed with an error", error);
            res.setStatus(500);
            res.setContentType("application/problem+json");
            try {
                res.getOutputStream().write(JettyProblems.body(500, "the request could not be completed"));
            } catch (java.io.IOException ignored) {
                // the client is gone
            }
        });
        config.routes.error(404, ctx -> {
            if (ctx.res().getContentType() == null || !ctx.res().getContentType().startsWith("application/problem+json")) {
                answer(ctx, Problem.of(404, "not-found", "Not found", "no resource at " + ctx.path()), Map.of());
            }
        });
        config.routes.error(405, ctx -> {
            String allowed = allowedMethods(ctx.path());
            answer(ctx, Problem.of(405, "method-not-allowed", "Method not allowed", ctx.method() + " is not allowed here; use " + allowed),
                    Map.of("Allow", allowed));
        });
    }

    /** Every request: its id, and the Host check (before routing, so an unknown route from a foreign page learns nothing). */
    private void identify(Context ctx) {
        String requestId = new UUID(random.nextLong(), random.nextLong()).toString();
        ctx.attribute(Requests.REQUEST_ID, requestId);
        ctx.header("X-Request-Id", requestId);
        Requests.escapeProblem(ctx.req().getRequestURI()).ifPresent(rule -> {
            throw ProblemException.invalid("invalid-path", "Invalid path", "the path is not valid", "(path)", rule);
        });
        Requests.escapeProblem(ctx.req().getQueryString()).ifPresent(rule -> {
            throw ProblemException.invalid("invalid-query", "Invalid query", "the query is not valid", "(query)", rule);
        });
        if (!settings.allowedHosts().isEmpty()) {
            String host = hostWithoutPort(ctx.header("Host"));
            if (host == null || settings.allowedHosts().stream().noneMatch(h -> h.equalsIgnoreCase(host))) {
                throw new ProblemException(Problem.of(421, "host-not-allowed", "Host not allowed",
                        "this API answers only for the hosts in http.allowedHosts"));
            }
        }
    }

    static String hostWithoutPort(String host) {
        if (host == null || host.isBlank()) {
            return null;
        }
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? null : host.substring(0, end + 1);
        }
        int colon = host.indexOf(':');
        return (colon < 0 ? host : host.substring(0, colon)).toLowerCase(Locale.ROOT);
    }

    /** The route's scope against the presented key; then the key's rate limit. */
    private void authorize(Context ctx) {
        Set<RouteRole> roles = ctx.routeRoles();
        Scope scope = roles.isEmpty() ? Scope.ADMIN : (Scope) roles.iterator().next(); // a route without a scope is an admin route
        boolean guarded = scope != Scope.PUBLIC && bearer(ctx).isPresent();
        if (guarded) {
            var wait = failedAuth.blocked(ctx.ip());
            if (wait.isPresent()) {
                // a client guessing keys: refused before the key ring is asked
                throw new ProblemException(Problem.of(429, "too-many-failed-keys", "Too many invalid API keys", "this address sent "
                        + settings.limits().failedKeysPerMinute() + " invalid API keys within a minute; retry after " + wait.getAsLong() + " s"),
                        Map.of("Retry-After", String.valueOf(wait.getAsLong())));
            }
        }
        Optional<Principal> principal = bearer(ctx).flatMap(backends.keys()::authenticate);
        if (principal.isEmpty() && guarded) {
            failedAuth.take(ctx.ip());
        }
        principal.ifPresent(p -> ctx.attribute(Requests.PRINCIPAL, p));
        if (scope == Scope.PUBLIC) {
            return;
        }
        if (principal.isEmpty()) {
            throw new ProblemException(Problem.of(401, "unauthenticated", "Authentication required", bearer(ctx).isEmpty()
                    ? "send an API key as 'Authorization: Bearer <key>' (heomdm keys create)"
                    : "the API key is not valid: unknown, revoked or expired"), Map.of("WWW-Authenticate", "Bearer realm=\"heomdm\""));
        }
        if (!scope.grantedBy(principal.get().scopes())) {
            throw new ProblemException(Problem.of(403, "forbidden", "Forbidden", "this route needs the scope '" + scope.label()
                    + "'; the key '" + principal.get().name() + "' has " + principal.get().scopes().stream().map(Scope::label).sorted().toList()));
        }
        var wait = rateLimits.take(principal.get().keyId());
        if (wait.isPresent()) {
            throw new ProblemException(Problem.of(429, "rate-limited", "Too many requests", "the key '" + principal.get().name()
                    + "' may make " + settings.limits().requestsPerSecond() + " requests a second; retry after " + wait.getAsLong() + " s"),
                    Map.of("Retry-After", String.valueOf(wait.getAsLong())));
        }
    }

    private static Optional<String> bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String key = header.substring(7).trim();
        return key.isEmpty() || key.length() > 200 ? Optional.empty() : Optional.of(key);
    }

    private String allowedMethods(String path) {
        return routes().stream().filter(e -> e.matches(path)).map(e -> e.endpoint.method.name())
                .distinct().sorted().collect(Collectors.joining(", "));
    }

    private static void answer(Context ctx, Problem problem, Map<String, String> headers) {
        headers.forEach(ctx::header);
        try {
            ctx.status(problem.status()).contentType("application/problem+json")
                    .result(Requests.JSON.writeValueAsBytes(problem.withRequestId(Requests.requestId(ctx))));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every route the server answers (not before/after filters): what the auth and contract tests enumerate. */
    public List<ParsedEndpoint> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(e -> e.endpoint.method.isHttpMethod() && e.endpoint.method != HandlerType.HEAD && e.endpoint.method != HandlerType.OPTIONS)
                .toList();
    }

    /** The port actually bound (useful when the settings asked for 0). */
    public int port() {
        return app.port();
    }

    /** Stops intake: the requests in flight are answered first, then the senders they used stop. */
    @Override
    public void close() {
        try {
            app.stop();
        } catch (io.javalin.util.JavalinException e) {
            // a client stalled in its body past the stop timeout: its request is cut off, the rest is stopped
            log.warn("gateway: requests still in flight at the stop timeout were cut off ({})", e.getCause() == null ? e : e.getCause());
        } finally {
            events.close();
        }
    }
}

package io.heomdm.gateway;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Health (bare UP/DOWN for anyone; each check's state with a {@code read} key), metrics ({@code read}),
 * the API's OpenAPI document, its browsable docs and the event catalogue (public), and the audit log ({@code admin}).
 */
final class OperationsResource implements Resource {
    static final String OPENAPI = "/io/heomdm/gateway/openapi.yaml";
    private static final String SWAGGER_UI = "/META-INF/resources/webjars/swagger-ui/5.35.0/";
    private static final Set<String> SWAGGER_FILES = Set.of("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js",
            "favicon-32x32.png", "favicon-16x16.png");
    private static final int AUDIT_PAGE = 1000;

    private final List<HealthCheck> health;
    private final PrometheusMeterRegistry metrics;
    private final AuditTrail audit;
    private final byte[] cataloguePage;

    OperationsResource(List<HealthCheck> health, PrometheusMeterRegistry metrics, AuditTrail audit, String catalogue) {
        this.health = health;
        this.metrics = metrics;
        this.audit = audit;
        this.cataloguePage = catalogue.isEmpty() ? null : CataloguePage.render(catalogue);
    }

    @Override
    public void routes(RoutesConfig routes) {
        routes.get("/health", this::health, Scope.PUBLIC);
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()), Scope.READ);
        routes.get("/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(resource(OPENAPI)), Scope.PUBLIC);
        routes.get("/docs", ctx -> ctx.contentType("text/html; charset=utf-8").result(DOCS_PAGE), Scope.PUBLIC);
        routes.get("/docs/{file}", this::docsFile, Scope.PUBLIC);
        routes.get("/catalog", this::catalogue, Scope.PUBLIC);
        routes.get("/v1/audit", ctx -> Requests.json(ctx, 200, Map.of("entries", audit.recent(Requests.count(ctx, "limit", 100, AUDIT_PAGE)))),
                Scope.ADMIN);
    }

    private void health(Context ctx) {
        Map<String, String> checks = new LinkedHashMap<>();
        Map<String, Long> deadLetters = new LinkedHashMap<>();
        boolean up = true;
        for (HealthCheck check : health) {
            boolean ok;
            long dead = 0;
            try {
                ok = check.isUp();
                dead = check.deadLetters();
            } catch (RuntimeException e) {
                ok = false;
            }
            checks.put(check.name(), !ok ? "DOWN" : dead > 0 ? "DEGRADED" : "UP");
            if (dead > 0) {
                deadLetters.put(check.name(), dead);
            }
            up &= ok;
        }
        var body = new LinkedHashMap<String, Object>();
        body.put("status", up ? "UP" : "DOWN");
        Principal principal = Requests.principal(ctx);
        if (principal != null && Scope.READ.grantedBy(principal.scopes())) {
            body.put("checks", checks);
            if (!deadLetters.isEmpty()) {
                body.put("deadLetters", deadLetters);
            }
        }
        Requests.json(ctx, up ? 200 : 503, body);
    }

    private void catalogue(Context ctx) {
        if (cataloguePage == null) {
            throw new ProblemException(Problem.of(404, "not-found", "Not found", "this gateway was started without an event catalogue"));
        }
        ctx.contentType("text/html; charset=utf-8").result(cataloguePage);
    }

    private void docsFile(Context ctx) {
        String file = ctx.pathParam("file");
        if (!SWAGGER_FILES.contains(file)) {
            throw new ProblemException(Problem.of(404, "not-found", "Not found", "no resource at " + ctx.path()));
        }
        String type = file.endsWith(".css") ? "text/css" : file.endsWith(".js") ? "text/javascript" : "image/png";
        ctx.contentType(type).header("Cache-Control", "max-age=86400").result(resource(SWAGGER_UI + file));
    }

    static byte[] resource(String path) {
        try (InputStream in = OperationsResource.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing from the class path: " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final byte[] DOCS_PAGE = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>HEOMDM API</title>
            <link rel="stylesheet" href="/docs/swagger-ui.css"><link rel="icon" href="/docs/favicon-32x32.png"></head>
            <body><div id="swagger-ui"></div>
            <script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/swagger-ui-standalone-preset.js"></script>
            <script>window.ui = SwaggerUIBundle({url: "/openapi.yaml", dom_id: "#swagger-ui", presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout"});</script>
            </body></html>
            """.getBytes(StandardCharsets.UTF_8);
}

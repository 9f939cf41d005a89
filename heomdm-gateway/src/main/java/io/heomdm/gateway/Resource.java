package io.heomdm.gateway;

import io.javalin.config.RoutesConfig;

/** One concept of the API: registers its routes, each with the one {@link Scope} it needs. */
interface Resource {
    void routes(RoutesConfig routes);
}

package io.heomdm.app;

import io.heomdm.gateway.Scope;
import io.heomdm.storage.ApiKeys;
import io.heomdm.storage.AuditLog;
import io.heomdm.storage.Database;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code heomdm keys}: API keys in the platform's database (the embedded H2 file is shared with a running platform). */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Create, list and revoke API keys. Scopes: events:write, read, pii:read, admin (see docs/api.md). "
                + "Uses the same configuration as 'up'.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand {
    /** Who the audit log names for what this command does: an operator with the database's credentials. */
    private static final String OPERATOR = "cli (database operator)";

    @Option(names = "--config", description = "YAML configuration file", scope = picocli.CommandLine.ScopeType.INHERIT)
    Path config;

    <R> R withKeys(Function<ApiKeys, R> action, String auditAction, Function<R, String> target) {
        HeomdmConfig cfg = ConfigLoader.load(Optional.ofNullable(config), System.getenv());
        try (var database = Database.open(Platform.databaseSettings(cfg))) {
            R result = action.apply(new ApiKeys(database, InstantSource.system(), new SecureRandom()));
            if (auditAction != null) {
                new AuditLog(database, InstantSource.system()).record(null, OPERATOR, null, auditAction, target.apply(result));
            }
            return result;
        }
    }

    @Command(name = "create", description = "Create a key and print it once; only its hash is kept.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        KeysCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = "--name", required = true, description = "who or what uses the key (shown in the audit log)")
        String name;
        @Option(names = "--scopes", required = true, split = ",", description = "comma-separated: events:write, read, pii:read, admin")
        List<String> scopes;
        @Option(names = "--event-types", split = ",", description = "event types the key may post with events:write; 'all' for every one "
                + "(default: a shop's: ProductViewed, CartItemAdded, CartItemRemoved, OrderPlaced, CustomerUpdated)")
        List<String> eventTypes;
        @Option(names = "--expires-in-days", description = "days until the key stops working (default: never)")
        Integer expiresInDays;

        @Override
        public Integer call() {
            if (name.isBlank() || name.length() > 100) {
                throw new IllegalArgumentException("--name must be 1 to 100 characters");
            }
            for (String s : scopes) {
                if (Scope.byLabel(s).isEmpty()) {
                    throw new IllegalArgumentException("unknown scope '" + s + "'; the scopes are "
                            + Scope.grantable().stream().map(Scope::label).toList());
                }
            }
            Set<String> postable = Edge.postableTypes();
            Set<String> types = eventTypes == null ? Edge.SHOP_EVENT_TYPES
                    : eventTypes.equals(List.of("all")) ? postable : new LinkedHashSet<>(eventTypes);
            for (String t : types) {
                if (!postable.contains(t)) {
                    throw new IllegalArgumentException("unknown event type '" + t + "'; clients may post " + postable.stream().sorted().toList());
                }
            }
            if (expiresInDays != null && expiresInDays < 1) {
                throw new IllegalArgumentException("--expires-in-days must be at least 1");
            }
            var expires = Optional.ofNullable(expiresInDays).map(d -> InstantSource.system().instant().plus(Duration.ofDays(d)));
            var created = parent.withKeys(k -> k.create(name, new LinkedHashSet<>(scopes), types, expires), "key.create", c -> c.stored().id());
            PrintWriter out = spec.commandLine().getOut();
            out.println("Key " + created.stored().id() + " (" + name + "), scopes " + created.stored().scopes()
                    + (created.stored().expiresAt() != null ? ", expires " + created.stored().expiresAt() : "") + ". Shown once:");
            out.println(created.key());
            return 0;
        }
    }

    @Command(name = "list", description = "Every key: id, name, scopes, event types, created, expires, revoked, last used. Never a secret.")
    static final class ListKeys implements Callable<Integer> {
        @ParentCommand
        KeysCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-32s  %-24s  %-30s  %-8s  %s%n", "ID", "NAME", "SCOPES", "STATE", "LAST USED");
            for (var k : parent.withKeys(ApiKeys::list, null, r -> null)) {
                String state = k.revokedAt() != null ? "revoked" : k.expiresAt() != null && k.expiresAt().isBefore(InstantSource.system().instant())
                        ? "expired" : "active";
                out.printf("%-32s  %-24s  %-30s  %-8s  %s%n", k.id(), k.name(), String.join(",", k.scopes()), state,
                        k.lastUsedAt() == null ? "never" : k.lastUsedAt());
            }
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revoke a key by its id; a running platform refuses it within seconds.")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        KeysCommand parent;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            boolean revoked = parent.withKeys(k -> k.revoke(id), "key.revoke", r -> id);
            spec.commandLine().getOut().println(revoked ? "Key " + id + " revoked." : "No active key " + id + ".");
            return revoked ? 0 : 1;
        }
    }
}

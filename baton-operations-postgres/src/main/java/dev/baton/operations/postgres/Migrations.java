package dev.baton.operations.postgres;

import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Creates and upgrades the store's tables with Flyway's versioned migrations
 * ({@code db/migration/baton/V*.sql}), in the store's schema. Many nodes may start at once:
 * Flyway serializes them on a database lock.
 */
final class Migrations {
    private Migrations() {
    }

    static void run(DataSource dataSource, Names names) {
        Flyway.configure()
                .dataSource(dataSource)
                .schemas(names.schema())
                .defaultSchema(names.schema())
                .createSchemas(true)
                .table(names.prefix() + "schema_history")
                .locations("classpath:db/migration/baton")
                .placeholders(Map.of("prefix", names.prefix()))
                .load()
                .migrate();
    }
}

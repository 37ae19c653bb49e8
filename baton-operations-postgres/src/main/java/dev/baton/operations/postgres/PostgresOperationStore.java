package dev.baton.operations.postgres;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.baton.operations.store.OperationEvent;
import dev.baton.operations.store.OperationPage;
import dev.baton.operations.store.OperationQuery;
import dev.baton.operations.store.OperationRecord;
import dev.baton.operations.store.OperationStore;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * A durable {@link OperationStore} on PostgreSQL, shared by every node that points at the same
 * database: claims with {@code FOR UPDATE SKIP LOCKED}, leases and fencing tokens, events
 * announced with {@code LISTEN/NOTIFY}, idempotency keys as a unique index. Blocking JDBC runs on
 * virtual threads of its own; a database that cannot be reached fails calls quickly with
 * {@link dev.baton.operations.store.StoreUnavailableException}. {@link Builder#build()} migrates
 * the schema (Flyway, {@code db/migration/baton}) and starts listening.
 *
 * <pre>{@code
 * OperationStore store = PostgresOperationStore.builder()
 *     .url("jdbc:postgresql://db:5432/app").user("app").password(secret).build();
 * Operations ops = Operations.builder().config(c -> c.store(store)).type(...).build();
 * }</pre>
 *
 * <p>Instants are kept in microseconds (timestamptz). Nodes compare leases with their own clocks:
 * keep them in sync (NTP) to well within a lease.
 */
public final class PostgresOperationStore implements OperationStore {
    private final Database db;
    private final OperationSql sql;
    private final EventHub hub;
    private final HikariDataSource ownPool;
    private final GroupCommit durableWrites;
    private final GroupCommit progressWrites;

    private PostgresOperationStore(Builder b, DataSource dataSource, HikariDataSource ownPool) {
        Names names = new Names(b.schema, b.tablePrefix);
        this.ownPool = ownPool;
        this.db = new Database(dataSource);
        this.sql = new OperationSql(names, new Records(new ObjectMapper()), b.maxEventsPerOperation);
        this.hub = new EventHub(db, sql, names);
        // the listener holds one connection; the rest are shared by reads, claims and the two groups
        int writers = Math.max(1, (b.poolSize - 1) / 2);
        this.durableWrites = new GroupCommit(db, writers, 128, true);
        this.progressWrites = new GroupCommit(db, Math.max(1, writers / 2), 128, false);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CompletionStage<Created> create(OperationRecord record) {
        if (record.version() != 1 || record.status() != dev.baton.operations.OperationStatus.NOT_STARTED) {
            throw new IllegalArgumentException("a new operation is not started, at version 1: " + record);
        }
        return durableWrites.submit(c -> sql.create(c, micros(record)));
    }

    @Override
    public CompletionStage<Optional<OperationRecord>> get(String id) {
        return db.inTransaction(c -> sql.get(c, id));
    }

    @Override
    public CompletionStage<OperationPage> list(OperationQuery query) {
        return db.inTransaction(c -> sql.list(c, query));
    }

    @Override
    public CompletionStage<Optional<OperationRecord>> update(OperationRecord next, String eventKind) {
        // progress is superseded by the next update and by the outcome: it need not wait for the WAL
        // flush. A database crash may lose the last ones; never a claim, a cancel or an outcome
        GroupCommit group = OperationEvent.PROGRESS.equals(eventKind) && !next.isTerminal() ? progressWrites : durableWrites;
        return group.submit(c -> sql.update(c, micros(next), eventKind));
    }

    @Override
    public CompletionStage<List<OperationRecord>> claim(String node, int max, Instant now, Duration lease) {
        return db.inTransaction(c -> sql.claim(c, node, max, now.truncatedTo(ChronoUnit.MICROS), lease));
    }

    @Override
    public CompletionStage<List<OperationEvent>> events(String id, long afterEventId) {
        return db.inTransaction(c -> sql.events(c, id, afterEventId));
    }

    @Override
    public Subscription subscribe(String id, Consumer<OperationEvent> listener) {
        return hub.subscribeFromNow(id, listener);
    }

    /** Also replays the stored events after {@code afterEventId}: nothing between a caller's read and this call is lost. */
    @Override
    public Subscription subscribe(String id, long afterEventId, Consumer<OperationEvent> listener) {
        return hub.subscribe(id, afterEventId, listener);
    }

    @Override
    public CompletionStage<Integer> purge(Instant finishedBefore) {
        return db.inTransaction(c -> sql.purge(c, finishedBefore));
    }

    @Override
    public boolean isDurable() {
        return true;
    }

    @Override
    public void close() {
        hub.close();
        db.close();
        if (ownPool != null) {
            ownPool.close();
        }
    }

    /** The same record with its instants in microseconds, as the database will give it back. */
    private static OperationRecord micros(OperationRecord r) {
        return new OperationRecord(r.id(), r.type(), r.owner(), r.status(), r.percentComplete(), r.message(), r.input(),
                r.result(), r.error(), r.idempotencyKey(), r.fingerprint(), micros(r.createdAt()), micros(r.startedAt()),
                micros(r.finishedAt()), r.attempts(), r.rescues(), micros(r.notBefore()), r.cancelRequested(), r.checkpoint(),
                r.leaseOwner(), micros(r.leaseUntil()), r.fencingToken(), r.version(), r.lastEventId());
    }

    private static Instant micros(Instant i) {
        return i == null ? null : i.truncatedTo(ChronoUnit.MICROS);
    }

    /** Builds and starts a {@link PostgresOperationStore}: a JDBC URL (its own pool) or a {@link DataSource}. */
    public static final class Builder {
        private String url;
        private String user;
        private String password;
        private DataSource dataSource;
        private String schema = "baton";
        private String tablePrefix = "";
        private int poolSize = 10;
        private Duration connectTimeout = Duration.ofSeconds(1);
        private Duration statementTimeout = Duration.ofSeconds(10);
        private int maxEventsPerOperation = 1000;

        private Builder() {
        }

        public Builder url(String value) { url = value; return this; }
        public Builder user(String value) { user = value; return this; }
        public Builder password(String value) { password = value; return this; }
        /** A pool the application owns (it closes it); the store holds one of its connections to listen. */
        public Builder dataSource(DataSource value) { dataSource = value; return this; }
        /** Where the tables live (created if missing); lower-case letters, digits, '_'. Default {@code baton}. */
        public Builder schema(String value) { schema = value; return this; }
        /** Put before every table name, for two stores in one schema. Default none. */
        public Builder tablePrefix(String value) { tablePrefix = value; return this; }
        /** Connections of the store's own pool, one of them held to listen for events (at least 2). Default 10. */
        public Builder poolSize(int value) { poolSize = value; return this; }
        /** How long a call waits for a connection before failing with StoreUnavailableException. Default 1 s. */
        public Builder connectTimeout(Duration value) { connectTimeout = value; return this; }
        /** The longest a statement may take before its connection counts as broken. Default 10 s. */
        public Builder statementTimeout(Duration value) { statementTimeout = value; return this; }
        /** Past it the older half of an operation's progress events is dropped. Default 1000. */
        public Builder maxEventsPerOperation(int value) { maxEventsPerOperation = value; return this; }

        /** Migrates the schema, then starts listening for events. */
        public PostgresOperationStore build() {
            if ((url == null) == (dataSource == null)) {
                throw new IllegalArgumentException("give either a JDBC url or a DataSource");
            }
            if (poolSize < 2) {
                throw new IllegalArgumentException("poolSize must be at least 2 (one connection listens), not " + poolSize);
            }
            if (maxEventsPerOperation < 10) {
                throw new IllegalArgumentException("keep at least 10 events per operation, not " + maxEventsPerOperation);
            }
            Names names = new Names(Objects.requireNonNull(schema, "schema"), Objects.requireNonNull(tablePrefix, "tablePrefix"));
            HikariDataSource pool = dataSource == null ? pool() : null;
            try {
                Migrations.run(pool != null ? pool : dataSource, names);
                PostgresOperationStore store = new PostgresOperationStore(this, pool != null ? pool : dataSource, pool);
                store.hub.start();
                return store;
            } catch (RuntimeException e) {
                if (pool != null) {
                    pool.close();
                }
                throw e;
            }
        }

        private HikariDataSource pool() {
            HikariConfig c = new HikariConfig();
            c.setJdbcUrl(url);
            c.setUsername(user);
            c.setPassword(password);
            c.setPoolName("baton-operations");
            c.setMaximumPoolSize(poolSize);
            c.setConnectionTimeout(Math.max(250, connectTimeout.toMillis()));
            c.setValidationTimeout(Math.max(250, Math.min(connectTimeout.toMillis(), 1000)));
            // fail fast, never hang: a dead server refuses at once, a stalled one times out
            c.addDataSourceProperty("connectTimeout", Math.max(1, connectTimeout.toSeconds()));
            c.addDataSourceProperty("socketTimeout", Math.max(1, statementTimeout.toSeconds()));
            c.addDataSourceProperty("tcpKeepAlive", true);
            c.setInitializationFailTimeout(Math.max(1, connectTimeout.toMillis()));
            return new HikariDataSource(c);
        }
    }
}

package dev.baton.operations.postgres;

import dev.baton.operations.store.StoreUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.sql.DataSource;

/**
 * Runs blocking JDBC work on virtual threads of its own, so that no event loop or worker waits on
 * the database, and turns "the database is not there" into {@link StoreUnavailableException}.
 */
final class Database implements AutoCloseable {
    private final DataSource dataSource;
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("baton-pg-", 1).factory());

    Database(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** Work in one transaction on a virtual thread: committed if it returns, rolled back if it throws. */
    <T> CompletionStage<T> inTransaction(Work<T> work) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return inTransactionNow(work);
            } catch (SQLException e) {
                throw new CompletionException(translate(e));
            }
        }, threads);
    }

    /** The same, on the calling thread (which must be allowed to block). */
    <T> T inTransactionNow(Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        }
    }

    void execute(Runnable task) {
        threads.execute(task);
    }

    /** A failure to reach the database becomes {@link StoreUnavailableException}; anything else is a bug to see in the log. */
    static RuntimeException translate(SQLException e) {
        if (isUnavailable(e)) {
            return new StoreUnavailableException("the PostgreSQL store is unavailable (" + e.getSQLState() + ")", e);
        }
        return new IllegalStateException("a PostgreSQL store statement failed: " + e.getMessage(), e);
    }

    static boolean isUnavailable(SQLException e) {
        String state = e.getSQLState();
        // 08: connection exception; 57P01..03: admin shutdown, crash shutdown, cannot connect now; 53: out of resources
        return e instanceof SQLTransientException || e instanceof SQLRecoverableException
                || state != null && (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53"))
                || state == null && e.getMessage() != null && e.getMessage().contains("has been closed");
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken: the pool discards it, and the transaction died with it
        }
    }

    @Override
    public void close() {
        threads.shutdown();
    }

    /** A piece of JDBC work on one connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }
}

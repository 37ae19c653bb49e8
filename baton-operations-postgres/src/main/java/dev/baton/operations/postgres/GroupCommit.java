package dev.baton.operations.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes that arrive together commit together: each committer takes what is queued (up to a
 * batch), runs every piece of work in one transaction and commits once, so many writers share
 * one WAL flush instead of paying one each. A write's stage completes only after the commit that
 * holds it, so nothing is acknowledged before it is durable.
 *
 * <p>A piece of work that fails (a statement error, a deadlock with another node's batch, an
 * exception of its own) rolls the whole batch back; each of its pieces then runs again alone, in
 * a transaction of its own, so one bad write never fails its neighbours. A database that cannot
 * be reached fails every piece of the batch with the store's unavailable exception.
 *
 * <p>Asynchronous groups ({@code durable == false}) commit with {@code synchronous_commit} off:
 * for writes that the next one supersedes (progress), where losing the last few to a database
 * crash is acceptable and waiting for the flush is not.
 */
final class GroupCommit {
    private final Database db;
    private final int maxCommitters;
    private final int maxBatch;
    private final boolean durable;
    private final ConcurrentLinkedQueue<Pending<?>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger committers = new AtomicInteger();

    GroupCommit(Database db, int maxCommitters, int maxBatch, boolean durable) {
        if (maxCommitters < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("at least one committer and one write per batch");
        }
        this.db = db;
        this.maxCommitters = maxCommitters;
        this.maxBatch = maxBatch;
        this.durable = durable;
    }

    /** Runs {@code work} in the next batch; the stage completes after that batch commits. */
    <T> CompletionStage<T> submit(Database.Work<T> work) {
        Pending<T> p = new Pending<>(work);
        queue.add(p);
        startCommitterIfNeeded();
        return p.future;
    }

    private void startCommitterIfNeeded() {
        while (true) {
            int n = committers.get();
            if (n >= maxCommitters || queue.isEmpty()) {
                return;
            }
            if (committers.compareAndSet(n, n + 1)) {
                try {
                    db.execute(this::commitWhileQueued);
                } catch (RuntimeException closed) { // the store is closing: nothing runs any more
                    committers.decrementAndGet();
                    failAll(closed);
                }
                return;
            }
        }
    }

    private void commitWhileQueued() {
        try {
            List<Pending<?>> batch = new ArrayList<>();
            for (Pending<?> p; batch.size() < maxBatch && (p = queue.poll()) != null; ) {
                batch.add(p);
            }
            while (!batch.isEmpty()) {
                commit(batch);
                batch = new ArrayList<>();
                for (Pending<?> p; batch.size() < maxBatch && (p = queue.poll()) != null; ) {
                    batch.add(p);
                }
            }
        } finally {
            committers.decrementAndGet();
            // a write queued after our last poll and before the decrement found us still counted
            startCommitterIfNeeded();
        }
    }

    private void commit(List<Pending<?>> batch) {
        List<Object> results = new ArrayList<>(batch.size());
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                relaxCommit(c);
                for (Pending<?> p : batch) {
                    results.add(p.work.run(c));
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                if (e instanceof SQLException sql && Database.isUnavailable(sql)) {
                    fail(batch, Database.translate(sql));
                } else {
                    alone(batch);
                }
                return;
            }
        } catch (SQLException unavailable) { // no connection, or the commit itself failed
            fail(batch, Database.translate(unavailable));
            return;
        }
        // completions run callers' continuations: off this thread, so the next batch starts now
        offThread(() -> {
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).succeed(results.get(i));
            }
        });
    }

    /** After a failed batch: each piece in its own transaction, so only the bad one fails. */
    private void alone(List<Pending<?>> batch) {
        for (Pending<?> p : batch) {
            offThread(() -> {
                try {
                    p.succeed(db.inTransactionNow(c -> {
                        relaxCommit(c);
                        return p.work.run(c);
                    }));
                } catch (SQLException e) {
                    p.future.completeExceptionally(new CompletionException(Database.translate(e)));
                } catch (RuntimeException e) {
                    p.future.completeExceptionally(e);
                }
            });
        }
    }

    private void fail(List<Pending<?>> batch, RuntimeException cause) {
        offThread(() -> batch.forEach(p -> p.future.completeExceptionally(cause)));
    }

    private void offThread(Runnable task) {
        try {
            db.execute(task);
        } catch (RuntimeException closing) { // the store is closing: finish here
            task.run();
        }
    }

    private void failAll(RuntimeException cause) {
        for (Pending<?> p; (p = queue.poll()) != null; ) {
            p.future.completeExceptionally(cause);
        }
    }

    private void relaxCommit(Connection c) throws SQLException {
        if (!durable) {
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL synchronous_commit TO OFF");
            }
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken: the pool discards it, and the transaction died with it
        }
    }

    private static final class Pending<T> {
        final Database.Work<T> work;
        final CompletableFuture<T> future = new CompletableFuture<>();

        Pending(Database.Work<T> work) {
            this.work = work;
        }

        @SuppressWarnings("unchecked")
        void succeed(Object value) {
            future.complete((T) value);
        }
    }
}

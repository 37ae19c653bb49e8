package dev.baton.operations.postgres;

import dev.baton.operations.OperationStatus;
import dev.baton.operations.store.IdempotencyConflictException;
import dev.baton.operations.store.OperationEvent;
import dev.baton.operations.store.OperationPage;
import dev.baton.operations.store.OperationQuery;
import dev.baton.operations.store.OperationRecord;
import dev.baton.operations.store.OperationStore.Created;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The statements of the store, each on a connection the caller holds in a transaction. Every
 * write that appends an event inserts it and sends its {@code NOTIFY} in the same transaction, so
 * an event is announced exactly when it becomes visible.
 */
final class OperationSql {
    private static final int PURGE_BATCH = 1000;
    /** PostgreSQL refuses a payload of 8000 bytes or more; past this one the notice names the event only. */
    static final int MAX_PAYLOAD_BYTES = 7000;

    private final Names names;
    private final Records records;
    private final int maxEvents;

    OperationSql(Names names, Records records, int maxEventsPerOperation) {
        this.names = names;
        this.records = records;
        this.maxEvents = maxEventsPerOperation;
    }

    /** One statement: the row, its first event and the notice, or nothing if the key was used before. */
    Created create(Connection c, OperationRecord record) throws SQLException {
        OperationRecord first = record.withLastEventId(1);
        String data = records.snapshot(first);
        String sql = "WITH o AS (INSERT INTO " + names.operations() + " (" + Records.COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, "
                + "?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id),"
                + " e AS (INSERT INTO " + names.events() + " (operation_id, event_id, kind, snapshot)"
                + " SELECT id, 1, '" + OperationEvent.STATUS + "', ?::jsonb FROM o RETURNING operation_id)"
                + " SELECT pg_notify(?, ?) FROM e";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, first.id());
            ps.setString(2, first.type());
            ps.setString(3, first.owner());
            ps.setString(4, first.status().wireName());
            ps.setInt(5, first.percentComplete());
            ps.setString(6, first.message());
            ps.setString(7, first.input() == null ? null : first.input().toString());
            ps.setString(8, null);
            ps.setString(9, null);
            ps.setString(10, null);
            ps.setString(11, first.idempotencyKey());
            ps.setString(12, first.fingerprint());
            Records.setInstant(ps, 13, first.createdAt());
            Records.setInstant(ps, 14, null);
            Records.setInstant(ps, 15, null);
            ps.setInt(16, 0);
            ps.setInt(17, 0);
            Records.setInstant(ps, 18, null);
            ps.setBoolean(19, false);
            ps.setString(20, null);
            Records.setInstant(ps, 21, null);
            ps.setLong(22, 0);
            ps.setLong(23, first.version());
            ps.setLong(24, 1);
            ps.setString(25, data);
            ps.setString(26, names.channel());
            ps.setString(27, payload(first.id(), 1, OperationEvent.STATUS, data));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return new Created(first, true);
                }
            }
        }
        // the owner used this key before (ON CONFLICT waited for that transaction to commit)
        OperationRecord existing = byKey(c, record.owner(), record.idempotencyKey())
                .orElseThrow(() -> new IdempotencyConflictException(false, null,
                        "a request with this Idempotency-Key is still being processed"));
        if (!existing.fingerprint().equals(record.fingerprint())) {
            throw new IdempotencyConflictException(true, existing.id(), "the Idempotency-Key was used for another request");
        }
        return new Created(existing, false);
    }

    private Optional<OperationRecord> byKey(Connection c, String owner, String key) throws SQLException {
        String sql = "SELECT " + Records.COLUMNS + " FROM " + names.operations()
                + " WHERE COALESCE(owner, '') = ? AND (owner IS NULL) = ? AND idempotency_key = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, owner == null ? "" : owner);
            ps.setBoolean(2, owner == null);
            ps.setString(3, key);
            return one(ps);
        }
    }

    Optional<OperationRecord> get(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + Records.COLUMNS + " FROM " + names.operations() + " WHERE id = ?")) {
            ps.setString(1, id);
            return one(ps);
        }
    }

    OperationPage list(Connection c, OperationQuery q) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + Records.COLUMNS + " FROM " + names.operations() + " WHERE ")
                .append(q.owner() == null ? "owner IS NULL" : "owner = ?");
        if (!q.statuses().isEmpty()) {
            sql.append(" AND status = ANY (?)");
        }
        if (q.type() != null) {
            sql.append(" AND type = ?");
        }
        if (q.after() != null) {
            sql.append(" AND (created_at, id) < (?, ?)");
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int at = 1;
            if (q.owner() != null) {
                ps.setString(at++, q.owner());
            }
            if (!q.statuses().isEmpty()) {
                ps.setArray(at++, c.createArrayOf("text", q.statuses().stream().map(OperationStatus::wireName).toArray()));
            }
            if (q.type() != null) {
                ps.setString(at++, q.type());
            }
            if (q.after() != null) {
                long nanos = q.after().createdNanos();
                Instant created = Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
                ps.setObject(at++, OffsetDateTime.ofInstant(created, ZoneOffset.UTC));
                ps.setString(at++, q.after().id());
            }
            ps.setInt(at, q.pageSize() + 1);
            List<OperationRecord> items = all(ps);
            if (items.size() <= q.pageSize()) {
                return new OperationPage(items, null);
            }
            OperationRecord last = items.get(q.pageSize() - 1);
            return new OperationPage(items.subList(0, q.pageSize()), OperationQuery.Cursor.of(last));
        }
    }

    Optional<OperationRecord> update(Connection c, OperationRecord next, String eventKind) throws SQLException {
        String sql = "UPDATE " + names.operations() + " SET status = ?, percent_complete = ?, message = ?, result = ?::jsonb, "
                + "error = ?::jsonb, checkpoint = ?::jsonb, started_at = ?, finished_at = ?, attempts = ?, rescues = ?, "
                + "not_before = ?, cancel_requested = ?, lease_owner = ?, lease_until = ?, fencing_token = ?, version = ?, "
                + "last_event_id = last_event_id + ? WHERE id = ? AND version = ? RETURNING last_event_id";
        long lastEventId;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int at = records.bindMutable(ps, 1, next);
            ps.setInt(at++, eventKind == null ? 0 : 1);
            ps.setString(at++, next.id());
            ps.setLong(at, next.version() - 1);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                lastEventId = rs.getLong(1);
            }
        }
        OperationRecord stored = next.withLastEventId(lastEventId);
        if (eventKind != null) {
            appendEvent(c, stored, eventKind);
        }
        return Optional.of(stored);
    }

    /**
     * Claims with {@code FOR UPDATE SKIP LOCKED}: nodes claiming at once each take other rows and
     * never wait on one another. A running row whose lease lapsed is a rescue: its node was lost.
     */
    List<OperationRecord> claim(Connection c, String node, int max, Instant now, Duration lease) throws SQLException {
        String ops = names.operations();
        String sql = "WITH picked AS (SELECT id FROM " + ops
                + " WHERE (status = 'notStarted' AND (not_before IS NULL OR not_before <= ?))"
                + " OR (status = 'running' AND lease_until < ?)"
                + " ORDER BY created_at LIMIT ? FOR UPDATE SKIP LOCKED)"
                + " UPDATE " + ops + " o SET status = 'running', attempts = o.attempts + 1,"
                + " rescues = o.rescues + CASE WHEN o.status = 'running' THEN 1 ELSE 0 END,"
                + " started_at = COALESCE(o.started_at, ?), not_before = NULL, lease_owner = ?, lease_until = ?,"
                + " fencing_token = o.fencing_token + 1, version = o.version + 1, last_event_id = o.last_event_id + 1"
                + " FROM picked WHERE o.id = picked.id RETURNING o.*";
        List<OperationRecord> claimed;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Records.setInstant(ps, 1, now);
            Records.setInstant(ps, 2, now);
            ps.setInt(3, max);
            Records.setInstant(ps, 4, now);
            ps.setString(5, node);
            Records.setInstant(ps, 6, now.plus(lease));
            claimed = all(ps);
        }
        claimed.sort(Comparator.comparing(OperationRecord::createdAt));
        appendStatusEvents(c, claimed);
        return claimed;
    }

    List<OperationEvent> events(Connection c, String id, long after) throws SQLException {
        String sql = "SELECT event_id, kind, snapshot FROM " + names.events()
                + " WHERE operation_id = ? AND event_id > ? ORDER BY event_id";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            ps.setLong(2, after);
            List<OperationEvent> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new OperationEvent(rs.getLong(1), rs.getString(2), records.fromSnapshot(rs.getString(3))));
                }
            }
            return out;
        }
    }

    /** Deletes in batches, holding a transaction-scoped advisory lock: a node that finds it taken skips its turn. */
    int purge(Connection c, Instant finishedBefore) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            lock.setLong(1, names.purgeLock());
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return 0;
                }
            }
        }
        String sql = "DELETE FROM " + names.operations() + " WHERE id IN (SELECT id FROM " + names.operations()
                + " WHERE finished_at < ? AND status IN ('succeeded', 'failed', 'canceled') LIMIT " + PURGE_BATCH + ")";
        int total = 0;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Records.setInstant(ps, 1, finishedBefore);
            int n;
            do {
                n = ps.executeUpdate();
                total += n;
            } while (n == PURGE_BATCH);
        }
        return total;
    }

    /**
     * Inserts the event and announces it. Past the cap, the older half of the operation's progress
     * events is dropped (each carries the whole state; status changes stay), as in memory.
     */
    private void appendEvent(Connection c, OperationRecord snapshot, String kind) throws SQLException {
        String data = records.snapshot(snapshot);
        long id = snapshot.lastEventId();
        try (PreparedStatement ps = c.prepareStatement("WITH e AS (INSERT INTO " + names.events()
                + " (operation_id, event_id, kind, snapshot) VALUES (?, ?, ?, ?::jsonb) RETURNING 1) SELECT pg_notify(?, ?) FROM e")) {
            ps.setString(1, snapshot.id());
            ps.setLong(2, id);
            ps.setString(3, kind);
            ps.setString(4, data);
            ps.setString(5, names.channel());
            ps.setString(6, payload(snapshot.id(), id, kind, data));
            ps.executeQuery().close();
        }
        int half = maxEvents / 2;
        if (OperationEvent.PROGRESS.equals(kind) && id > maxEvents && id % half == 0) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + names.events()
                    + " WHERE operation_id = ? AND kind = 'progress' AND event_id <= ?")) {
                ps.setString(1, snapshot.id());
                ps.setLong(2, id - half);
                ps.executeUpdate();
            }
        }
    }

    /** A status event for each record, in one statement however many: a claim of hundreds stays one round trip. */
    private void appendStatusEvents(Connection c, List<OperationRecord> snapshots) throws SQLException {
        if (snapshots.isEmpty()) {
            return;
        }
        int n = snapshots.size();
        String[] ids = new String[n];
        Long[] eventIds = new Long[n];
        String[] data = new String[n];
        String[] payloads = new String[n];
        for (int i = 0; i < n; i++) {
            OperationRecord r = snapshots.get(i);
            ids[i] = r.id();
            eventIds[i] = r.lastEventId();
            data[i] = records.snapshot(r);
            payloads[i] = payload(r.id(), r.lastEventId(), OperationEvent.STATUS, data[i]);
        }
        // a data-modifying CTE runs whether or not it is read; the notices go out in the records' order
        try (PreparedStatement ps = c.prepareStatement("WITH e AS (INSERT INTO " + names.events()
                + " (operation_id, event_id, kind, snapshot) SELECT i, e, '" + OperationEvent.STATUS + "', d::jsonb"
                + " FROM unnest(?::text[], ?::bigint[], ?::text[]) AS t(i, e, d) RETURNING 1)"
                + " SELECT pg_notify(?, p) FROM unnest(?::text[]) AS n(p)")) {
            ps.setArray(1, c.createArrayOf("text", ids));
            ps.setArray(2, c.createArrayOf("bigint", eventIds));
            ps.setArray(3, c.createArrayOf("text", data));
            ps.setString(4, names.channel());
            ps.setArray(5, c.createArrayOf("text", payloads));
            ps.executeQuery().close();
        }
    }

    /**
     * A notice's payload: {@code operationId:eventId}, then, when the whole fits in
     * {@link #MAX_PAYLOAD_BYTES}, a newline, the kind, a newline and the snapshot as stored (JSON
     * holds no raw newline), so that a listener can deliver the event without reading it back.
     */
    static String payload(String operationId, long eventId, String kind, String snapshot) {
        String head = operationId + ":" + eventId;
        String full = head + "\n" + kind + "\n" + snapshot;
        // a char is at most 3 bytes in UTF-8 (a surrogate pair, 4 bytes for 2 chars): count only when it might matter
        if (full.length() * 3L <= MAX_PAYLOAD_BYTES || full.getBytes(StandardCharsets.UTF_8).length <= MAX_PAYLOAD_BYTES) {
            return full;
        }
        return head;
    }

    /** A notice read back: the operation, the event id, and the event itself when the payload carried it (else null). */
    record Notice(String operationId, long eventId, OperationEvent event) {
    }

    /** The notice in a payload, or null if it is not one. */
    Notice notice(String payload) {
        int eol = payload.indexOf('\n');
        String head = eol < 0 ? payload : payload.substring(0, eol);
        int colon = head.lastIndexOf(':');
        if (colon < 0) {
            return null;
        }
        long eventId;
        try {
            eventId = Long.parseLong(head.substring(colon + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        String operationId = head.substring(0, colon);
        int eol2 = eol < 0 ? -1 : payload.indexOf('\n', eol + 1);
        if (eol2 < 0) {
            return new Notice(operationId, eventId, null);
        }
        OperationEvent event = new OperationEvent(eventId, payload.substring(eol + 1, eol2), records.fromSnapshot(payload.substring(eol2 + 1)));
        return new Notice(operationId, eventId, event);
    }

    private Optional<OperationRecord> one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(records.read(rs)) : Optional.empty();
        }
    }

    private List<OperationRecord> all(PreparedStatement ps) throws SQLException {
        List<OperationRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(records.read(rs));
            }
        }
        return out;
    }
}

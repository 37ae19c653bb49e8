package dev.baton.operations.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.http.Problem;
import dev.baton.operations.OperationStatus;
import dev.baton.operations.store.OperationRecord;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Operation records to and from rows and JSON (an event's snapshot). Instants are kept in
 * microseconds, as timestamptz holds them; the runner writes microseconds, so they read back as written.
 */
final class Records {
    /** The columns in the order {@link #bindMutable} binds them and {@link #read} reads them. */
    static final String COLUMNS = "id, type, owner, status, percent_complete, message, input, result, error, checkpoint, "
            + "idempotency_key, fingerprint, created_at, started_at, finished_at, attempts, rescues, not_before, "
            + "cancel_requested, lease_owner, lease_until, fencing_token, version, last_event_id";

    private final ObjectMapper json;

    Records(ObjectMapper json) {
        this.json = json;
    }

    OperationRecord read(ResultSet rs) throws SQLException {
        return new OperationRecord(rs.getString("id"), rs.getString("type"), rs.getString("owner"),
                OperationStatus.fromWire(rs.getString("status")), rs.getInt("percent_complete"), rs.getString("message"),
                tree(rs.getString("input")), tree(rs.getString("result")), problem(tree(rs.getString("error"))),
                rs.getString("idempotency_key"), rs.getString("fingerprint"), instant(rs, "created_at"),
                instant(rs, "started_at"), instant(rs, "finished_at"), rs.getInt("attempts"), rs.getInt("rescues"),
                instant(rs, "not_before"), rs.getBoolean("cancel_requested"), tree(rs.getString("checkpoint")),
                rs.getString("lease_owner"), instant(rs, "lease_until"), rs.getLong("fencing_token"), rs.getLong("version"),
                rs.getLong("last_event_id"));
    }

    /**
     * Binds what a write may change, from {@code at}: status, percent_complete, message, result,
     * error, checkpoint, started_at, finished_at, attempts, rescues, not_before, cancel_requested,
     * lease_owner, lease_until, fencing_token, version (16 parameters). Returns the next index.
     */
    int bindMutable(PreparedStatement ps, int at, OperationRecord r) throws SQLException {
        ps.setString(at++, r.status().wireName());
        ps.setInt(at++, r.percentComplete());
        ps.setString(at++, r.message());
        ps.setString(at++, text(r.result()));
        ps.setString(at++, text(problemTree(r.error())));
        ps.setString(at++, text(r.checkpoint()));
        setInstant(ps, at++, r.startedAt());
        setInstant(ps, at++, r.finishedAt());
        ps.setInt(at++, r.attempts());
        ps.setInt(at++, r.rescues());
        setInstant(ps, at++, r.notBefore());
        ps.setBoolean(at++, r.cancelRequested());
        ps.setString(at++, r.leaseOwner());
        setInstant(ps, at++, r.leaseUntil());
        ps.setLong(at++, r.fencingToken());
        ps.setLong(at++, r.version());
        return at;
    }

    /** The whole record as an event's snapshot. */
    String snapshot(OperationRecord r) {
        ObjectNode n = json.createObjectNode();
        n.put("id", r.id()).put("type", r.type()).put("owner", r.owner()).put("status", r.status().wireName())
                .put("percentComplete", r.percentComplete()).put("message", r.message());
        n.set("input", r.input());
        n.set("result", r.result());
        n.set("error", problemTree(r.error()));
        n.set("checkpoint", r.checkpoint());
        n.put("idempotencyKey", r.idempotencyKey()).put("fingerprint", r.fingerprint())
                .put("createdAt", string(r.createdAt())).put("startedAt", string(r.startedAt()))
                .put("finishedAt", string(r.finishedAt())).put("attempts", r.attempts()).put("rescues", r.rescues())
                .put("notBefore", string(r.notBefore())).put("cancelRequested", r.cancelRequested())
                .put("leaseOwner", r.leaseOwner()).put("leaseUntil", string(r.leaseUntil()))
                .put("fencingToken", r.fencingToken()).put("version", r.version()).put("lastEventId", r.lastEventId());
        return text(n);
    }

    OperationRecord fromSnapshot(String text) {
        JsonNode n = tree(text);
        return new OperationRecord(n.get("id").asText(), n.get("type").asText(), str(n, "owner"),
                OperationStatus.fromWire(n.get("status").asText()), n.get("percentComplete").asInt(), str(n, "message"),
                node(n, "input"), node(n, "result"), problem(node(n, "error")), str(n, "idempotencyKey"), str(n, "fingerprint"),
                instant(str(n, "createdAt")), instant(str(n, "startedAt")), instant(str(n, "finishedAt")),
                n.get("attempts").asInt(), n.get("rescues").asInt(), instant(str(n, "notBefore")),
                n.get("cancelRequested").asBoolean(), node(n, "checkpoint"), str(n, "leaseOwner"),
                instant(str(n, "leaseUntil")), n.get("fencingToken").asLong(), n.get("version").asLong(),
                n.get("lastEventId").asLong());
    }

    static void setInstant(PreparedStatement ps, int at, Instant value) throws SQLException {
        if (value == null) {
            ps.setNull(at, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(at, OffsetDateTime.ofInstant(value, ZoneOffset.UTC));
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }

    private static String string(Instant i) {
        return i == null ? null : i.toString();
    }

    private static String str(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static JsonNode node(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v;
    }

    /** A problem's members, its extensions under their own key (Problem writes them flat, but cannot read them back). */
    private JsonNode problemTree(Problem p) {
        if (p == null) {
            return null;
        }
        ObjectNode n = json.createObjectNode().put("type", p.type()).put("title", p.title()).put("status", p.status())
                .put("detail", p.detail()).put("instance", p.instance());
        n.set("extensions", json.valueToTree(p.extensions()));
        return n;
    }

    @SuppressWarnings("unchecked")
    private Problem problem(JsonNode n) {
        if (n == null) {
            return null;
        }
        Map<String, Object> extensions = n.hasNonNull("extensions")
                ? json.convertValue(n.get("extensions"), LinkedHashMap.class) : Map.of();
        return new Problem(str(n, "type"), str(n, "title"), n.get("status").asInt(), str(n, "detail"), str(n, "instance"),
                extensions);
    }

    private JsonNode tree(String text) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored JSON column does not parse", e);
        }
    }

    private String text(JsonNode n) {
        if (n == null) {
            return null;
        }
        try {
            return json.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

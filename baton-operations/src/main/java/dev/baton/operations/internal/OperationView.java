package dev.baton.operations.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.operations.OperationStatus;
import dev.baton.operations.store.OperationRecord;

/** The operation resource as clients see it: the public fields only, never the lease or the key. */
final class OperationView {
    private OperationView() {
    }

    static ObjectNode of(OperationRecord r, ObjectMapper json) {
        ObjectNode n = json.createObjectNode();
        n.put("id", r.id());
        n.put("type", r.type());
        n.put("status", r.status().wireName());
        n.put("percentComplete", r.percentComplete());
        if (r.message() != null) {
            n.put("message", r.message());
        }
        n.put("createdAt", r.createdAt().toString());
        if (r.startedAt() != null) {
            n.put("startedAt", r.startedAt().toString());
        }
        if (r.finishedAt() != null) {
            n.put("finishedAt", r.finishedAt().toString());
        }
        n.put("attempts", r.attempts());
        if (r.cancelRequested()) {
            n.put("cancelRequested", true);
        }
        if (r.status() == OperationStatus.SUCCEEDED) {
            n.set("result", r.result() == null ? json.nullNode() : r.result());
        }
        if (r.error() != null) {
            n.set("error", json.valueToTree(r.error()));
        }
        return n;
    }

    /** The entity tag: it changes with every event, so with everything a client can see. */
    static String etag(OperationRecord r) {
        return "\"" + r.lastEventId() + "\"";
    }
}

package dev.baton.demo.catalog;

import java.math.BigDecimal;

/** An item of the backend's {@code /api/gizmos} list. */
public record Gizmo(int id, String name, int quantity, BigDecimal price) {
}

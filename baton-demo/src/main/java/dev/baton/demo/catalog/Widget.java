package dev.baton.demo.catalog;

import java.math.BigDecimal;

/** An item of the backend's {@code /api/widgets} list. */
public record Widget(int id, String title, int size, BigDecimal price) {
}

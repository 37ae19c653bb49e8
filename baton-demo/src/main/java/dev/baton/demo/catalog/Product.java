package dev.baton.demo.catalog;

import java.math.BigDecimal;

/** An item of the backend's {@code /api/products} list. */
public record Product(int id, String name, String category, BigDecimal price) {
}

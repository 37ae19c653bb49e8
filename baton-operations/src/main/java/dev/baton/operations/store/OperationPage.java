package dev.baton.operations.store;

import java.util.List;

/**
 * One page of operations and, if more follow, the cursor of the next page.
 *
 * <pre>{@code page.next().ifPresent(c -> link(c));}</pre>
 */
public record OperationPage(List<OperationRecord> items, OperationQuery.Cursor next) {
    public OperationPage {
        items = List.copyOf(items);
    }
}

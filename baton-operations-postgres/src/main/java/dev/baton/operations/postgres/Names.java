package dev.baton.operations.postgres;

import java.util.regex.Pattern;

/** The names of one store's tables and channel, from its schema and table prefix (checked: they go into SQL text). */
record Names(String schema, String prefix) {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,39}");

    Names {
        if (!IDENTIFIER.matcher(schema).matches()) {
            throw new IllegalArgumentException("schema is 1..40 lower-case letters, digits or '_', not starting with a digit: " + schema);
        }
        if (!prefix.isEmpty() && !IDENTIFIER.matcher(prefix).matches()) {
            throw new IllegalArgumentException("tablePrefix is empty or lower-case letters, digits and '_': " + prefix);
        }
    }

    String operations() {
        return schema + "." + prefix + "operations";
    }

    String events() {
        return schema + "." + prefix + "operation_events";
    }

    /** The NOTIFY channel: one per store, so that two stores in one database do not hear each other. */
    String channel() {
        return schema + "_" + prefix + "operation_events";
    }

    /** The advisory lock that lets one purge run at a time across nodes. */
    long purgeLock() {
        return ("baton-purge:" + operations()).hashCode();
    }
}

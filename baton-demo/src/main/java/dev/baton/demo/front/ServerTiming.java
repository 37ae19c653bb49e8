package dev.baton.demo.front;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code Server-Timing} fields (W3C Server Timing): entries separated by commas, each a
 * name and {@code ;param=value} pairs, a value a token or a quoted string. Baton's thread trace
 * writes one entry per stage, {@code action;dur=0.412;desc="baton-worker-3"}.
 */
final class ServerTiming {

    /** One entry: the stage, its duration in milliseconds (0 when absent), its description (the thread). */
    record Entry(String name, double millis, String description) {
    }

    private ServerTiming() {
    }

    /** Every entry of every field, in order; what cannot be read is skipped. */
    static List<Entry> parse(List<String> fields) {
        List<Entry> entries = new ArrayList<>();
        for (String field : fields) {
            for (String entry : split(field, ',')) {
                List<String> parts = split(entry, ';');
                if (parts.isEmpty() || parts.getFirst().isBlank()) {
                    continue;
                }
                double dur = 0;
                String desc = "";
                for (String p : parts.subList(1, parts.size())) {
                    int eq = p.indexOf('=');
                    String key = (eq < 0 ? p : p.substring(0, eq)).strip();
                    String value = eq < 0 ? "" : unquote(p.substring(eq + 1).strip());
                    if (key.equalsIgnoreCase("dur")) {
                        try {
                            dur = Double.parseDouble(value);
                        } catch (NumberFormatException ignored) {
                            // no duration: leave 0
                        }
                    } else if (key.equalsIgnoreCase("desc")) {
                        desc = value;
                    }
                }
                entries.add(new Entry(parts.getFirst().strip(), dur, desc));
            }
        }
        return entries;
    }

    /** Splits on {@code separator} outside quoted strings. */
    private static List<String> split(String s, char separator) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\' && i + 1 < s.length()) {
                cur.append(c).append(s.charAt(++i));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (!cur.isEmpty()) {
            out.add(cur.toString());
        }
        return out;
    }

    private static String unquote(String v) {
        if (v.length() < 2 || v.charAt(0) != '"' || v.charAt(v.length() - 1) != '"') {
            return v;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < v.length() - 1; i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length() - 1) {
                c = v.charAt(++i);
            }
            b.append(c);
        }
        return b.toString();
    }
}

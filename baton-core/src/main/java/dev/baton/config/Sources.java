package dev.baton.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Reads the settings each kind of source holds, as text with where it was written: a YAML
 * file (nested or dotted keys, with the line of each value), a properties file (with its
 * lines too), the environment and the system properties. What a source cannot say is a
 * problem added to the list given, naming the source.
 */
final class Sources {
    /** How a source spells keys. */
    enum Kind {
        FILE, ENVIRONMENT, SYSTEM_PROPERTY;

        /** {@code section.setting} as this kind of source writes it: {@code BATON_SERVER_WORKER_THREADS} for the environment. */
        String spell(String section, String setting) {
            return switch (this) {
                case FILE -> section + "." + setting;
                case ENVIRONMENT -> ENV_PREFIX + section.toUpperCase(Locale.ROOT) + "_" + Values.upperSnake(setting);
                case SYSTEM_PROPERTY -> PROPERTY_PREFIX + section + "." + setting;
            };
        }
    }

    /**
     * One setting as a source wrote it: {@code server.workerThreads}, {@code client.perHost.inventory:8080},
     * {@code server.WORKER_THREADS} (from {@code BATON_SERVER_WORKER_THREADS}).
     */
    record Entry(String key, String value, String origin, Kind kind) {
    }

    static final String ENV_PREFIX = "BATON_";

    /** Made on first use: a process with no YAML file never loads the parser. */
    private static final class Yaml {
        static final YAMLFactory FACTORY = new YAMLFactory();
    }
    static final String PROPERTY_PREFIX = "baton.";

    private Sources() {
    }

    /** A YAML document: nested mappings, their keys joined with dots; every value a scalar. */
    static List<Entry> yaml(String text, String file, List<String> problems) {
        List<Entry> out = new ArrayList<>();
        Map<String, Integer> lines = new HashMap<>();
        List<String> mine = new ArrayList<>();
        try (JsonParser p = Yaml.FACTORY.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return out; // an empty file sets nothing
            }
            if (t != JsonToken.START_OBJECT) {
                problems.add(file + " line " + line(p.currentTokenLocation()) + ": the document must be a mapping of "
                        + "settings (server:, client:), not " + describe(t));
                return out;
            }
            mapping(p, "", file, out, lines, mine);
            if (p.nextToken() != null) {
                mine.add(file + " line " + line(p.currentTokenLocation()) + ": a second YAML document; "
                        + "keep the settings in one");
            }
        } catch (JsonProcessingException e) {
            // what was read before the syntax error means little: that error alone
            problems.add(file + " line " + line(e.getLocation()) + ": not valid YAML: " + firstLines(e.getOriginalMessage()));
            return List.of();
        } catch (IOException e) {
            problems.add(file + ": cannot be read: " + e);
            return List.of();
        }
        problems.addAll(mine);
        return out;
    }

    /** SnakeYAML's message without its quoted snippets: "while parsing a flow sequence: expected ',' or ']'...". */
    private static String firstLines(String message) {
        return message.lines().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                .collect(java.util.stream.Collectors.joining(": "));
    }

    private static void mapping(JsonParser p, String prefix, String file, List<Entry> out, Map<String, Integer> lines,
                                List<String> problems) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = prefix + p.currentName();
            int line = line(p.currentTokenLocation());
            JsonToken value = p.nextToken();
            switch (value) {
                case START_OBJECT -> mapping(p, key + ".", file, out, lines, problems);
                case START_ARRAY -> {
                    problems.add(key + " (" + file + " line " + line + "): a list is no setting value");
                    p.skipChildren();
                }
                case VALUE_NULL -> problems.add(key + " (" + file + " line " + line + ") has no value");
                default -> {
                    Integer before = lines.putIfAbsent(key, line);
                    if (before != null) {
                        problems.add(key + " is set twice in " + file + ", lines " + before + " and " + line);
                    } else {
                        out.add(new Entry(key, p.getText(), file + " line " + line, Kind.FILE));
                    }
                }
            }
        }
    }

    private static int line(JsonLocation location) {
        return location == null ? 0 : location.getLineNr();
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_ARRAY -> "a list";
            case VALUE_NULL -> "nothing";
            default -> "a single value";
        };
    }

    /**
     * A properties file, read a logical line at a time (continuations joined) so that each key
     * keeps its line; {@link Properties#load} reads each, so escapes mean what they always mean.
     */
    static List<Entry> properties(String text, String file, List<String> problems) {
        List<Entry> out = new ArrayList<>();
        Map<String, Integer> lines = new HashMap<>();
        String[] physical = text.split("\r\n|\r|\n", -1);
        for (int i = 0; i < physical.length; i++) {
            int first = i + 1;
            StringBuilder logical = new StringBuilder(physical[i]);
            String stripped = physical[i].stripLeading();
            boolean comment = stripped.startsWith("#") || stripped.startsWith("!");
            while (!comment && continues(physical[i]) && i + 1 < physical.length) {
                logical.append('\n').append(physical[++i]);
            }
            if (comment || stripped.isEmpty()) {
                continue;
            }
            Properties one = new Properties();
            try {
                one.load(new StringReader(logical.toString()));
            } catch (IOException | IllegalArgumentException e) {
                problems.add(file + " line " + first + ": not a valid properties line: " + e.getMessage());
                continue;
            }
            for (String key : one.stringPropertyNames()) {
                Integer before = lines.putIfAbsent(key, first);
                if (before != null) {
                    problems.add(key + " is set twice in " + file + ", lines " + before + " and " + first);
                } else {
                    out.add(new Entry(key, one.getProperty(key), file + " line " + first, Kind.FILE));
                }
            }
        }
        return out;
    }

    /** An odd number of backslashes at the end of a line joins the next one to it. */
    private static boolean continues(String line) {
        int n = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            n++;
        }
        return n % 2 == 1;
    }

    /**
     * The environment's {@code BATON_<SECTION>_<SETTING>} variables of the sections given, as
     * {@code section.SETTING}; a {@code BATON_} variable of no section is left to the caller.
     */
    static List<Entry> environment(Map<String, String> env, Iterable<String> sections, List<String> unclaimed) {
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(ENV_PREFIX)) {
                continue;
            }
            String rest = name.substring(ENV_PREFIX.length());
            String section = null;
            for (String s : sections) {
                if (rest.toUpperCase(Locale.ROOT).startsWith(s.toUpperCase(Locale.ROOT) + "_")) {
                    section = s;
                }
            }
            if (section == null) {
                unclaimed.add(name);
                continue;
            }
            out.add(new Entry(section + "." + rest.substring(section.length() + 1), e.getValue(),
                    "environment variable " + name, Kind.ENVIRONMENT));
        }
        return out;
    }

    /** The system properties {@code baton.<section>.<setting>} of the sections given, as {@code section.setting}. */
    static List<Entry> systemProperties(Map<String, String> properties, Iterable<String> sections, List<String> unclaimed) {
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<String, String> e : new TreeMap<>(properties).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(PROPERTY_PREFIX)) {
                continue;
            }
            String rest = name.substring(PROPERTY_PREFIX.length());
            String section = null;
            for (String s : sections) {
                if (rest.startsWith(s + ".")) {
                    section = s;
                }
            }
            if (section == null) {
                unclaimed.add(name);
                continue;
            }
            out.add(new Entry(rest, e.getValue(), "system property " + name, Kind.SYSTEM_PROPERTY));
        }
        return out;
    }
}

package dev.baton.config;

import dev.baton.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings of the server and the client from outside the code, in the order Spring Boot
 * and Helidon use, each source overriding the ones before it:
 *
 * <ol>
 *   <li>{@code baton.yaml}, {@code baton.yml} or {@code baton.properties} at the root of the classpath (defaults packaged with the application);</li>
 *   <li>the same file in the working directory, or the file {@code BATON_CONFIG} / {@code -Dbaton.config} names;</li>
 *   <li>environment variables, {@code BATON_SERVER_WORKER_THREADS=32};</li>
 *   <li>system properties, {@code -Dbaton.server.workerThreads=32};</li>
 *   <li>and over all of them, what the code sets on the builder.</li>
 * </ol>
 *
 * <p>A key is {@code server.<setting>} or {@code client.<setting>}, the setting being the name
 * of the builder method ({@link ServerConfig.Builder}, baton-client's {@code HttpClient.Builder}),
 * so a setting added to a builder is a key at once. Unknown keys and bad values are a
 * {@link ConfigException} naming the key and its source, never ignored.
 *
 * <p>{@code Server.builder()} and {@code HttpClient.builder()} load it themselves; to apply it
 * to a builder of your own:
 *
 * <pre>{@code ServerConfig config = BatonConfig.load().applyTo(ServerConfig.builder()).port(0).build();}</pre>
 */
public final class BatonConfig {
    private static final Logger log = LoggerFactory.getLogger(BatonConfig.class);

    /** The environment variable that names the configuration file. */
    public static final String FILE_VARIABLE = "BATON_CONFIG";
    /** The system property that names the configuration file (over {@link #FILE_VARIABLE}). */
    public static final String FILE_PROPERTY = "baton.config";

    /** Each section, the builder it configures and the module that holds it. */
    private static final Map<String, String[]> SECTIONS = sections();
    private static final List<String> FILE_NAMES = List.of("baton.yaml", "baton.yml", "baton.properties");
    /** The configurations applied to each builder still in use, so that its build() can name their sources. */
    private static final Map<Object, List<BatonConfig>> APPLIED = Collections.synchronizedMap(new java.util.WeakHashMap<>());
    /** Keys already warned about: once per process, as the safety nets report. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private static Map<String, String[]> sections() {
        Map<String, String[]> m = new LinkedHashMap<>();
        m.put("server", new String[] {"dev.baton.ServerConfig$Builder", "baton-core"});
        m.put("client", new String[] {"dev.baton.client.HttpClient$Builder", "baton-client"});
        return Collections.unmodifiableMap(m);
    }

    /** A setting as bound: the builder method, its value, and where it was set. */
    private record Setting(String section, Setters.Setter setter, String mapKey, Object value, String text, String origin) {
        String key() {
            return section + "." + setter.name() + (mapKey == null ? "" : "." + mapKey);
        }

        @Override
        public String toString() {
            return key() + " = " + text + " (" + origin + ")";
        }
    }

    private final List<String> files;
    private final Map<String, Setting> settings;

    private BatonConfig(List<String> files, Map<String, Setting> settings) {
        this.files = List.copyOf(files);
        this.settings = Collections.unmodifiableMap(settings);
        if (!settings.isEmpty() && WARNED.add("loaded " + settings.values())) {
            log.info("Baton settings from outside the code (the code's own settings override them): {}",
                    settings.values().stream().map(Setting::toString).collect(Collectors.joining(", ")));
        }
    }

    /**
     * The configuration of this process: the files found (see the class comment), then
     * {@code BATON_*} environment variables, then {@code baton.*} system properties.
     *
     * @throws ConfigException naming every unknown key and bad value with its source
     */
    public static BatonConfig load() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return discover(System.getenv(), asMap(System.getProperties()), Path.of("").toAbsolutePath(),
                cl != null ? cl : BatonConfig.class.getClassLoader());
    }

    /**
     * {@code file} (a {@code .yaml}, {@code .yml} or {@code .properties}), then the environment
     * and the system properties as in {@link #load()}: for an application that takes the path of
     * its configuration as an argument. No other file is read.
     */
    public static BatonConfig from(Path file) {
        return builder().file(file).environment(System.getenv()).systemProperties(System.getProperties()).build();
    }

    /** Sources given one by one, nothing read unless given: for tests and for applications with their own rules. */
    public static Builder builder() {
        return new Builder();
    }

    /** The standard discovery, with the process's inputs given (so that tests can give their own). */
    static BatonConfig discover(Map<String, String> env, Map<String, String> properties, Path workingDirectory,
                                ClassLoader classLoader) {
        Builder b = builder();
        List<String> problems = new ArrayList<>();
        List<URL> packaged = new ArrayList<>();
        for (String name : FILE_NAMES) {
            URL url = classLoader.getResource(name);
            if (url != null) {
                packaged.add(url);
            }
        }
        if (packaged.size() > 1) {
            problems.add("the classpath holds more than one Baton configuration file: " + packaged + "; keep one");
        } else if (!packaged.isEmpty()) {
            b.resources.add(packaged.getFirst());
        }
        String named = properties.get(FILE_PROPERTY) != null ? properties.get(FILE_PROPERTY) : env.get(FILE_VARIABLE);
        if (named != null) {
            Path file = workingDirectory.resolve(named);
            if (!Files.isRegularFile(file)) {
                problems.add((properties.get(FILE_PROPERTY) != null ? "system property " + FILE_PROPERTY
                        : "environment variable " + FILE_VARIABLE) + " names " + file + ", which is no file");
            } else {
                b.file(file);
            }
        } else {
            List<Path> found = FILE_NAMES.stream().map(workingDirectory::resolve).filter(Files::isRegularFile).toList();
            if (found.size() > 1) {
                problems.add("the working directory holds more than one Baton configuration file: " + found + "; keep one");
            } else if (!found.isEmpty()) {
                b.file(found.getFirst());
            }
        }
        b.environment(env).systemProperties(properties);
        return b.build(problems);
    }

    /**
     * Applies the settings of {@code builder}'s section to it ({@code server.*} to a
     * {@link ServerConfig.Builder}, {@code client.*} to an {@code HttpClient.Builder}) and
     * returns it; what the code sets on it afterwards overrides them.
     */
    public <B> B applyTo(B builder) {
        String section = sectionOf(builder.getClass());
        Setters setters = Setters.of(builder.getClass());
        for (Setting s : settings.values()) {
            if (s.section().equals(section)) {
                setters.find(s.setter().name()).apply(builder, s.mapKey(), s.value());
            }
        }
        APPLIED.computeIfAbsent(builder, b -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(this);
        return builder;
    }

    /**
     * Sets one setting of {@code builder} by name, converting {@code value} as a configuration file's
     * would be: for a builder nested in another one's settings ({@code server.tls.certificateChain}),
     * which takes its keys as a map and hands each to its own builder.
     *
     * @throws IllegalArgumentException for an unknown setting (listing the known ones) or a bad value
     */
    public static <B> B set(B builder, String setting, String value) {
        Setters setters = Setters.of(builder.getClass());
        Setters.Setter setter = setters.find(setting);
        if (setter == null || setter.map()) {
            String near = setters.nearest(setting);
            throw new IllegalArgumentException("unknown setting " + setting + (near != null ? ": did you mean " + near + "?"
                    : ": the settings are " + String.join(", ", setters.all().values().stream().map(Setters.Setter::name).toList())));
        }
        try {
            setter.apply(builder, null, Values.convert(value, setter.valueType()));
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException(setter.name() + ": " + bad.getMessage(), bad);
        }
        return builder;
    }

    /**
     * The server's configuration: the defaults with these settings applied.
     *
     * @throws ConfigException when a value is out of its range (a port of 70000), naming its key and source
     */
    public ServerConfig serverConfig() {
        ServerConfig.Builder b = applyTo(ServerConfig.builder());
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw attributed(e, b);
        }
    }

    /**
     * {@code e}, {@code builder}'s refusal of a value at {@code build()} ({@code "port must be
     * 0..65535"}), as a {@link ConfigException} naming the key and source of that value when a
     * configuration applied to this builder set it; {@code e} itself otherwise (the code set it).
     */
    public static IllegalArgumentException attributed(IllegalArgumentException e, Object builder) {
        List<BatonConfig> configs = APPLIED.get(builder);
        if (configs == null || e instanceof ConfigException) {
            return e;
        }
        String message = Objects.requireNonNullElse(e.getMessage(), "");
        String firstWord = Values.canonical(message.split("[\\s:,(]", 2)[0]);
        String section = sectionOf(builder.getClass());
        Map<String, Setting> applied = new LinkedHashMap<>();
        for (BatonConfig c : configs) {
            c.settings.forEach(applied::put); // the last one applied is the one the builder holds
        }
        // only a value the builder still holds: one the code set since is the code's own error
        List<String> named = applied.values().stream()
                .filter(s -> s.section().equals(section) && Values.canonical(s.setter().name()).equals(firstWord)
                        && s.setter().holds(builder, s.mapKey(), s.value()))
                .map(Setting::toString).toList();
        // a map's entries all share the name: each is shown, as the message cannot say which one
        return named.isEmpty() ? e : new ConfigException(String.join(", ", named) + ": " + message, e);
    }

    /**
     * Warns, once per key, of each setting from outside the code that {@code replacement} (a
     * whole configuration the code built, given to {@code Server.builder().config(ServerConfig)})
     * holds another value for: a whole configuration replaces these settings, which would
     * otherwise be dropped without a word.
     */
    public void warnIfReplaced(ServerConfig replacement) {
        for (Setting s : settings.values()) {
            if (!s.section().equals("server") || s.setter().map()) {
                continue;
            }
            Object held;
            try {
                Method getter = ServerConfig.class.getMethod(s.setter().name());
                held = getter.invoke(replacement);
            } catch (ReflectiveOperationException e) {
                continue; // a setting with no getter of its name: nothing to compare
            }
            if (!Objects.equals(held, s.value()) && WARNED.add("replaced " + s)) {
                log.warn("{} is not applied: the code gave Server.builder().config(ServerConfig) a whole "
                        + "configuration, which holds {} and replaces the settings from outside the code. To keep "
                        + "them, build that configuration from BatonConfig.load().serverConfig().toBuilder() or adjust "
                        + "it with config(c -> ...); if the code means to fix this value, remove the setting from {}.",
                        s, held, s.origin());
            }
        }
    }

    /** Each setting's value as written, by key ({@code server.workerThreads}, {@code client.perHost.inventory:8080}). */
    public Map<String, String> settings() {
        Map<String, String> out = new LinkedHashMap<>();
        settings.forEach((k, s) -> out.put(k, s.text()));
        return out;
    }

    /** Where {@code key}'s value came from ({@code "environment variable BATON_SERVER_PORT"}), or null if it is not set. */
    public String origin(String key) {
        Setting s = settings.get(key);
        return s == null ? null : s.origin();
    }

    /** The files read, in order. */
    public List<String> files() {
        return files;
    }

    @Override
    public String toString() {
        return "BatonConfig" + settings.values();
    }

    /** A key anyone may set, from a builder's setters: for documentation and tools. */
    public record Key(String key, String environmentVariable, String systemProperty, String type) {
    }

    /**
     * Every key of {@code builderType}'s section, in alphabetical order: {@code server.port},
     * {@code BATON_SERVER_PORT}, {@code baton.server.port}, {@code int}. A map setting's key
     * ends in {@code .<key>}, and its environment variable holds {@code key=value,key=value}.
     */
    public static List<Key> keys(Class<?> builderType) {
        String section = sectionOf(builderType);
        List<Key> out = new ArrayList<>();
        for (Setters.Setter s : Setters.of(builderType).all().values()) {
            String key = section + "." + s.name();
            String env = Sources.Kind.ENVIRONMENT.spell(section, s.name());
            out.add(new Key(s.map() ? key + ".<key>" : key, env, Sources.PROPERTY_PREFIX + (s.map() ? key + ".<key>" : key),
                    s.map() ? "map of " + Values.describe(s.valueType()) : Values.describe(s.valueType())));
        }
        return out;
    }

    private static String sectionOf(Class<?> builderType) {
        for (Map.Entry<String, String[]> e : SECTIONS.entrySet()) {
            if (e.getValue()[0].equals(builderType.getName())) {
                return e.getKey();
            }
        }
        throw new IllegalArgumentException(builderType.getName() + " is no builder the Baton configuration knows; "
                + "the sections are " + SECTIONS.keySet());
    }

    private static Map<String, String> asMap(Properties p) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : p.stringPropertyNames()) {
            out.put(name, p.getProperty(name));
        }
        return out;
    }

    /** Sources given one by one; they apply in the fixed order files, environment, system properties. */
    public static final class Builder {
        private final List<Path> paths = new ArrayList<>();
        private final List<URL> resources = new ArrayList<>();
        private Map<String, String> env = Map.of();
        private Map<String, String> properties = Map.of();

        private Builder() {
        }

        /** A {@code .yaml}, {@code .yml} or {@code .properties} file; files given later override earlier ones. */
        public Builder file(Path file) {
            paths.add(Objects.requireNonNull(file, "file"));
            return this;
        }

        /** Environment variables ({@code BATON_SERVER_PORT}); the others are ignored. */
        public Builder environment(Map<String, String> variables) {
            env = Map.copyOf(variables);
            return this;
        }

        /** System properties ({@code baton.server.port}); the others are ignored. */
        public Builder systemProperties(Map<String, String> values) {
            properties = Map.copyOf(values);
            return this;
        }

        /** System properties ({@code baton.server.port}); the others are ignored. */
        public Builder systemProperties(Properties values) {
            return systemProperties(asMap(values));
        }

        /**
         * Reads and checks every source.
         *
         * @throws ConfigException naming every unknown key and bad value with its source
         */
        public BatonConfig build() {
            return build(new ArrayList<>());
        }

        private BatonConfig build(List<String> problems) {
            List<List<Sources.Entry>> layers = new ArrayList<>();
            List<String> files = new ArrayList<>();
            for (URL url : resources) {
                String name = "classpath resource " + url;
                files.add(name);
                layers.add(parse(url.getPath(), name, read(url, name, problems), problems));
            }
            for (Path path : paths) {
                String name = path.toAbsolutePath().toString();
                files.add(name);
                layers.add(parse(path.toString(), name, read(path, problems), problems));
            }
            List<String> unclaimed = new ArrayList<>();
            layers.add(Sources.environment(env, SECTIONS.keySet(), unclaimed));
            layers.add(Sources.systemProperties(properties, SECTIONS.keySet(), unclaimed));
            for (String name : unclaimed) {
                if (!name.equals(FILE_VARIABLE) && !name.equals(FILE_PROPERTY) && WARNED.add("unclaimed " + name)) {
                    log.warn("{} looks like Baton configuration but names no section ({}), so it is ignored: "
                            + "configuration keys are BATON_SERVER_<SETTING> and BATON_CLIENT_<SETTING> in the "
                            + "environment, baton.server.<setting> and baton.client.<setting> as system properties",
                            name, String.join(", ", SECTIONS.keySet()));
                }
            }
            Map<String, Setting> settings = new LinkedHashMap<>();
            for (List<Sources.Entry> layer : layers) {
                Map<String, Setting> mine = new LinkedHashMap<>();
                for (Sources.Entry e : layer) {
                    for (Setting s : bind(e, problems)) {
                        Setting twin = mine.put(s.key(), s);
                        if (twin != null) {
                            problems.add(s.key() + " is set twice: by " + twin.origin() + " and by " + s.origin());
                        }
                    }
                }
                mine.forEach((k, s) -> {
                    settings.remove(k); // the later source's place in the order, too
                    settings.put(k, s);
                });
            }
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            return new BatonConfig(files, settings);
        }

        private static String read(URL url, String name, List<String> problems) {
            try (InputStream in = url.openStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                problems.add(name + " cannot be read: " + e);
                return "";
            }
        }

        private static String read(Path path, List<String> problems) {
            try {
                return Files.readString(path, StandardCharsets.UTF_8);
            } catch (IOException | UncheckedIOException e) {
                problems.add(path.toAbsolutePath() + " cannot be read: " + e);
                return "";
            }
        }

        private static List<Sources.Entry> parse(String path, String name, String text, List<String> problems) {
            String lower = path.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
                return Sources.yaml(text, name, problems);
            }
            if (lower.endsWith(".properties")) {
                return Sources.properties(text, name, problems);
            }
            problems.add(name + " is neither YAML nor properties: name a .yaml, .yml or .properties file");
            return List.of();
        }
    }

    /** The settings one entry of a source makes (several for a map given as {@code key=value,...}), or a problem. */
    private static List<Setting> bind(Sources.Entry e, List<String> problems) {
        String[] parts = e.key().split("\\.", 3);
        String where = " (" + e.origin() + ")";
        String section = parts[0].toLowerCase(Locale.ROOT);
        if (!SECTIONS.containsKey(section)) {
            problems.add("unknown key " + e.key() + where + ": keys start with " + SECTIONS.keySet().stream()
                    .map(s -> s + ".").collect(Collectors.joining(" or ")) + (section.equals("baton")
                    ? " (in a file, without the baton. of system properties)" : ""));
            return List.of();
        }
        if (parts.length < 2 || parts[1].isEmpty()) {
            problems.add(e.key() + where + " names no setting: write " + section + ".<setting>");
            return List.of();
        }
        Class<?> builderType = builderType(section);
        if (builderType == null) {
            problems.add(e.key() + where + " configures " + SECTIONS.get(section)[1]
                    + ", which is not on the classpath: add it, or remove the setting");
            return List.of();
        }
        Setters setters = Setters.of(builderType);
        Setters.Setter setter = setters.find(parts[1]);
        if (setter == null) {
            Method codeOnly = setters.codeOnly(parts[1]);
            if (codeOnly != null) {
                problems.add(section + "." + codeOnly.getName() + where + " cannot be set outside the code: "
                        + codeOnly.getName() + " takes " + java.util.Arrays.stream(codeOnly.getParameterTypes())
                        .map(Class::getSimpleName).collect(Collectors.joining(", ")));
            } else {
                // named as the source spells keys: a variable's reader fixes a variable
                String near = setters.nearest(parts[1]);
                problems.add((e.kind() == Sources.Kind.FILE ? "unknown key " + e.key() + where : "unknown key in " + e.origin())
                        + (near != null ? ": did you mean " + e.kind().spell(section, near) + "?"
                        : ": the " + section + " settings are " + setters.all().values().stream().map(Setters.Setter::name)
                        .collect(Collectors.joining(", "))));
            }
            return List.of();
        }
        String key = section + "." + setter.name();
        if (!setter.map()) {
            if (parts.length == 3) {
                problems.add((e.kind() == Sources.Kind.FILE ? "unknown key " + e.key() + where : "unknown key in " + e.origin())
                        + ": " + key + " takes one value");
                return List.of();
            }
            return convert(section, setter, null, e.value(), e.origin(), problems);
        }
        if (parts.length == 3) {
            return convert(section, setter, parts[2], e.value(), e.origin(), problems);
        }
        // a whole map in one value, as an environment variable must give it: a=1,b=2
        List<Setting> out = new ArrayList<>();
        for (String item : e.value().split(",")) {
            int eq = item.lastIndexOf('=');
            if (item.isBlank()) {
                continue;
            }
            if (eq <= 0) {
                problems.add(key + where + ": '" + e.value() + "' is not a list of key=value, such as "
                        + "inventory:8080=16,billing:443=4");
                return List.of();
            }
            out.addAll(convert(section, setter, item.substring(0, eq).strip(), item.substring(eq + 1), e.origin(), problems));
        }
        return out;
    }

    /** The builder class of {@code section}, or null when its module is not on the classpath. */
    private static Class<?> builderType(String section) {
        String name = SECTIONS.get(section)[0];
        try {
            return Class.forName(name, false, BatonConfig.class.getClassLoader());
        } catch (ClassNotFoundException notHere) {
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            try {
                return context == null ? null : Class.forName(name, false, context);
            } catch (ClassNotFoundException notThere) {
                return null;
            }
        }
    }

    private static List<Setting> convert(String section, Setters.Setter setter, String mapKey, String text, String origin,
                                         List<String> problems) {
        try {
            return List.of(new Setting(section, setter, mapKey, Values.convert(text, setter.valueType()), text, origin));
        } catch (IllegalArgumentException bad) {
            problems.add(section + "." + setter.name() + (mapKey == null ? "" : "." + mapKey) + " (" + origin + "): "
                    + bad.getMessage());
            return List.of();
        }
    }
}

package dev.baton.staticfiles;

import dev.baton.routing.Handler;
import dev.baton.staticfiles.internal.ClasspathSource;
import dev.baton.staticfiles.internal.DirectorySource;
import dev.baton.staticfiles.internal.MediaTypes;
import dev.baton.staticfiles.internal.Source;
import dev.baton.staticfiles.internal.StaticFileHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Files served under a path prefix, from a directory or the class path (WebJars included), with
 * validators, conditional requests, byte ranges and zero-copy sending. Immutable; mounted with
 * {@link dev.baton.routing.Routing#staticFiles}.
 *
 * <pre>{@code routing.staticFiles("/assets", StaticFiles.directory(Path.of("public")));
 * routing.staticFiles("/webjars", StaticFiles.classpath("META-INF/resources/webjars"));
 * routing.staticFiles("/", StaticFiles.builder().directory(Path.of("site")).index("index.html")
 *         .maxAge(Duration.ofDays(365)).immutable(true).build());}</pre>
 */
public final class StaticFiles {
    private final StaticFileHandler handler;

    private StaticFiles(Builder b) {
        Source source = b.directory != null ? new DirectorySource(b.directory, b.followSymlinks)
                : new ClasspathSource(b.classpathPrefix, b.loader != null ? b.loader : Thread.currentThread().getContextClassLoader());
        this.handler = new StaticFileHandler(source, b.index, b.cacheControl(), b.hidden, new MediaTypes(b.mediaTypes), b.inMemoryLimit);
    }

    /** The files under {@code root}, with the defaults. */
    public static StaticFiles directory(Path root) {
        return builder().directory(root).build();
    }

    /** The class path's resources under {@code prefix} ({@code static}, {@code META-INF/resources/webjars}), with the defaults. */
    public static StaticFiles classpath(String prefix) {
        return builder().classpath(prefix).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The handler serving these files at a route whose pattern ends with a tail parameter
     * ({@code /assets/{path...}}); what {@link dev.baton.routing.Routing#staticFiles} registers.
     */
    public Handler handler() {
        return handler;
    }

    /** Options of a mount; {@link #directory} or {@link #classpath} is required. */
    public static final class Builder {
        private Path directory;
        private String classpathPrefix;
        private ClassLoader loader;
        private String index;
        private Duration maxAge;
        private boolean immutable;
        private String cacheControlOverride;
        private boolean followSymlinks;
        private boolean hidden;
        private int inMemoryLimit = 1024 * 1024;
        private final Map<String, String> mediaTypes = new LinkedHashMap<>();

        private Builder() {
        }

        /** Serve the files under this directory (it must exist). */
        public Builder directory(Path root) {
            this.directory = Objects.requireNonNull(root, "root");
            this.classpathPrefix = null;
            return this;
        }

        /** Serve the class path's resources under this prefix. */
        public Builder classpath(String prefix) {
            this.classpathPrefix = Objects.requireNonNull(prefix, "prefix");
            this.directory = null;
            return this;
        }

        /** The class loader of {@link #classpath}; the thread's context class loader when the mount is built by default. */
        public Builder classLoader(ClassLoader value) {
            this.loader = value;
            return this;
        }

        /**
         * The file a directory is served by ({@code index.html}); none by default, so a directory is a
         * 404. With one, a directory asked for without its trailing slash is redirected (301) to it.
         */
        public Builder index(String fileName) {
            if (fileName != null && (fileName.isBlank() || fileName.contains("/") || fileName.contains("\\") || fileName.startsWith("."))) {
                throw new IllegalArgumentException("an index is a plain file name: " + fileName);
            }
            this.index = fileName;
            return this;
        }

        /** {@code Cache-Control: max-age}; without it responses say {@code no-cache} (always revalidate, cheap with the ETag). */
        public Builder maxAge(Duration value) {
            if (value != null && value.isNegative()) {
                throw new IllegalArgumentException("maxAge must not be negative");
            }
            this.maxAge = value;
            return this;
        }

        /** Adds {@code immutable} to the max-age (for fingerprinted file names that never change). */
        public Builder immutable(boolean value) {
            this.immutable = value;
            return this;
        }

        /** The whole {@code Cache-Control} value, over maxAge and immutable; empty to send none. */
        public Builder cacheControl(String value) {
            this.cacheControlOverride = value;
            return this;
        }

        /**
         * Whether a symbolic link under the root is followed (only to a target inside the root);
         * false by default: a path through any link is a 404.
         */
        public Builder followSymlinks(boolean value) {
            this.followSymlinks = value;
            return this;
        }

        /** Whether names starting with a dot ({@code .env}, {@code .git}) are served; false by default. */
        public Builder serveHidden(boolean value) {
            this.hidden = value;
            return this;
        }

        /** The type of files with this extension (no dot), over the built-in table. */
        public Builder mediaType(String extension, String type) {
            mediaTypes.put(Objects.requireNonNull(extension, "extension"), Objects.requireNonNull(type, "type"));
            return this;
        }

        /**
         * Class-path resources inside a jar up to this size are read whole per request, so they can
         * have byte ranges and a length; larger ones are streamed, whole, with no ranges. 1 MiB by default.
         */
        public Builder inMemoryLimit(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("inMemoryLimit must not be negative");
            }
            this.inMemoryLimit = bytes;
            return this;
        }

        /**
         * @throws IllegalArgumentException without a source, or with a directory that does not exist
         */
        public StaticFiles build() {
            if (directory == null && classpathPrefix == null) {
                throw new IllegalArgumentException("static files need a directory(...) or a classpath(...)");
            }
            return new StaticFiles(this);
        }

        private String cacheControl() {
            if (cacheControlOverride != null) {
                return cacheControlOverride.isBlank() ? null : cacheControlOverride;
            }
            if (maxAge == null) {
                return "no-cache";
            }
            return "max-age=" + maxAge.toSeconds() + (immutable ? ", immutable" : "");
        }
    }
}

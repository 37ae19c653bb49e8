package dev.baton.staticfiles.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/** What a mount found for a request's names: a file on disk, an entry of a jar, or a directory. */
public sealed interface Resource {

    /** A regular file on disk: sent from the file, zero-copy where the connection allows. */
    record OnDisk(Path path, long size, long modifiedMillis) implements Resource {
    }

    /** A resource that can only be read as a stream (a jar's entry). */
    record Packed(String name, long size, long modifiedMillis, Opener opener) implements Resource {
    }

    /** A directory: served by its index file, if the mount has one. */
    record Directory() implements Resource {
    }

    /** Opens a packed resource's content. */
    @FunctionalInterface
    interface Opener {
        InputStream open() throws IOException;
    }
}

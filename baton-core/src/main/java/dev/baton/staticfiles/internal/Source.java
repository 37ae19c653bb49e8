package dev.baton.staticfiles.internal;

import java.io.IOException;
import java.util.List;

/** Where a mount's files come from: a directory or the class path. Blocking: called on a worker thread. */
public interface Source {
    /** The resource named by {@code names} (checked plain names), or null when there is none. */
    Resource find(List<String> names) throws IOException;
}

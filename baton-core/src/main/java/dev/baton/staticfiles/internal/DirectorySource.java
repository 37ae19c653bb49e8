package dev.baton.staticfiles.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * Files under a root directory. The names were checked already; what is checked here is where
 * the file really is: its real path must be the root's real path plus those names (no symbolic
 * link anywhere on the way), or, when symbolic links are followed, at least inside the root.
 */
public final class DirectorySource implements Source {
    private final Path root;
    private final boolean followLinks;

    /** @throws IllegalArgumentException when {@code root} is not a directory */
    public DirectorySource(Path root, boolean followLinks) {
        try {
            this.root = root.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("static files root " + root + " cannot be read", e);
        }
        if (!Files.isDirectory(this.root)) {
            throw new IllegalArgumentException("static files root " + root + " is not a directory");
        }
        this.followLinks = followLinks;
    }

    @Override
    public Resource find(List<String> names) throws IOException {
        Path expected = root;
        for (String name : names) {
            expected = expected.resolve(name);
        }
        if (!expected.normalize().startsWith(root)) {
            return null; // cannot happen with checked names; kept as the last line
        }
        Path real;
        try {
            real = expected.toRealPath();
        } catch (NoSuchFileException e) {
            return null;
        }
        if (followLinks ? !real.startsWith(root) : !real.equals(expected)) {
            return null;
        }
        BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attributes.isDirectory()) {
            return new Resource.Directory();
        }
        if (!attributes.isRegularFile() || !Files.isReadable(real)) {
            return null;
        }
        return new Resource.OnDisk(real, attributes.size(), attributes.lastModifiedTime().toMillis());
    }
}

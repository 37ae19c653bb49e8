package dev.baton.staticfiles.internal;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.jar.JarEntry;

/**
 * Resources under a package-like prefix of a class loader ({@code static}, or
 * {@code META-INF/resources/webjars} for WebJars). One in a directory of the class path is a
 * file on disk; one in a jar is read as a stream.
 */
public final class ClasspathSource implements Source {
    private final String prefix;
    private final ClassLoader loader;

    public ClasspathSource(String prefix, ClassLoader loader) {
        String p = prefix.strip();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        this.prefix = p;
        this.loader = loader;
    }

    @Override
    public Resource find(List<String> names) throws IOException {
        String name = prefix.isEmpty() ? String.join("/", names) : names.isEmpty() ? prefix : prefix + "/" + String.join("/", names);
        if (name.isEmpty()) {
            return new Resource.Directory();
        }
        URL url = loader.getResource(name);
        if (url == null) {
            return null;
        }
        if (url.getProtocol().equals("file")) {
            Path path;
            try {
                path = Path.of(url.toURI());
            } catch (URISyntaxException | IllegalArgumentException e) {
                return null;
            }
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            return a.isDirectory() ? new Resource.Directory()
                    : a.isRegularFile() ? new Resource.OnDisk(path, a.size(), a.lastModifiedTime().toMillis()) : null;
        }
        URLConnection connection = url.openConnection();
        if (connection instanceof JarURLConnection jar) {
            JarEntry entry = jar.getJarEntry();
            if (entry == null) {
                return null;
            }
            if (entry.isDirectory()) {
                return new Resource.Directory();
            }
            return new Resource.Packed(name, entry.getSize(), entry.getTime(), jar::getInputStream);
        }
        long size = connection.getContentLengthLong();
        return size < 0 ? null : new Resource.Packed(name, size, connection.getLastModified(), connection::getInputStream);
    }
}

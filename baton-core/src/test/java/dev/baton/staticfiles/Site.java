package dev.baton.staticfiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A site on disk for the tests: {@code base/public} is the root that is mounted, and
 * {@code base/secret.txt} sits just outside it, reachable only through a traversal or a link.
 */
final class Site {
    static final String SECRET = "TOP-SECRET-7f3a9c";
    static final String HELLO = "Hello, static world!\n";

    final Path base;
    final Path root;
    final byte[] big;
    final String json;

    Site(Path base) throws IOException {
        this.base = base;
        this.root = Files.createDirectories(base.resolve("public"));
        Files.writeString(base.resolve("secret.txt"), SECRET);
        Files.writeString(root.resolve("hello.txt"), HELLO);
        Files.writeString(root.resolve("app.js"), "console.log('hi');\n");
        Files.write(root.resolve("image.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        Files.write(root.resolve("noextension"), new byte[] {1, 2, 3});
        big = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        json = "[" + "{\"name\":\"gizmo\",\"colour\":\"red\",\"price\":12.5},".repeat(2000) + "{}]";
        Files.writeString(root.resolve("data.json"), json);
        Files.writeString(root.resolve(".env"), SECRET);
        Files.createDirectories(root.resolve(".git"));
        Files.writeString(root.resolve(".git/config"), SECRET);
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub/index.html"), "<h1>sub</h1>");
        Files.writeString(root.resolve("sub/.hidden"), SECRET);
        Files.createSymbolicLink(root.resolve("link"), base.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("link-dir"), base);
        Files.createSymbolicLink(root.resolve("inner-link"), root.resolve("hello.txt"));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

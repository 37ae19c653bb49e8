package dev.baton.parsing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the hostile request corpus to a directory, one file per case ({@code NNN.bin}) and an
 * index ({@code index.tsv}: file, expected status, name), for tools outside the JVM: the fault
 * run replays it through haproxy and nginx in front of Baton (bench/faults.sh).
 *
 * <pre>{@code java -cp baton-core/target/test-classes dev.baton.parsing.CorpusExport /tmp/corpus}</pre>
 */
public final class CorpusExport {

    private CorpusExport() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: CorpusExport DIR");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        List<String> index = new ArrayList<>();
        int n = 0;
        for (HostileRequests.Hostile h : HostileRequests.all().toList()) {
            String file = String.format("%03d.bin", n++);
            Files.write(dir.resolve(file), h.bytes());
            index.add(file + "\t" + h.status() + "\t" + h.name().replace('\t', ' ').replace('\n', ' '));
        }
        Files.write(dir.resolve("index.tsv"), index);
        System.out.println("wrote " + n + " cases to " + dir);
    }
}

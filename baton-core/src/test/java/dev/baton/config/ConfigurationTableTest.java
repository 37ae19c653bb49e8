package dev.baton.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The README's configuration table lists every setting of the server's builder, and nothing else. */
class ConfigurationTableTest {

    /** The first cells of the table under {@code heading} in {@code markdown}: {@code `port`} gives {@code port}. */
    static Set<String> firstColumn(String markdown, String heading) {
        int start = markdown.indexOf("\n" + heading + "\n");
        assertThat(start).as("the README has a section " + heading).isNotNegative();
        int end = markdown.indexOf("\n## ", start + heading.length() + 1);
        Set<String> out = new TreeSet<>();
        for (String line : markdown.substring(start, end < 0 ? markdown.length() : end).lines().toList()) {
            if (line.startsWith("| `")) {
                String cell = line.substring(3, line.indexOf('`', 3));
                out.add(cell);
            }
        }
        return out;
    }

    @Test
    void theReadmeTableListsEveryServerSettingAndNoOther() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        Set<String> documented = firstColumn(readme, "## Configuration");
        List<String> missing = new ArrayList<>();
        Set<String> settings = new TreeSet<>();
        for (BatonConfig.Key k : BatonConfig.keys(ServerConfig.Builder.class)) {
            String name = k.key().substring("server.".length());
            settings.add(name);
            if (!documented.contains(name)) {
                missing.add("| `" + name + "` | (default) | (meaning; " + k.type() + ", " + k.environmentVariable() + ") |");
            }
        }

        assertThat(missing).as("README.md, \"Configuration\": rows to add for settings of ServerConfig.Builder").isEmpty();
        assertThat(documented).as("README.md, \"Configuration\": rows naming no setting of ServerConfig.Builder")
                .isSubsetOf(settings);
    }
}

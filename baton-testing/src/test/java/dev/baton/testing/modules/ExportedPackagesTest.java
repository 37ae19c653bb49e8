package dev.baton.testing.modules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Each module of Baton's on this class path exports every API package to everyone and no
 * {@code internal} package to anyone but Baton's own modules: a new API package that was not
 * added to its {@code module-info.java} fails here, not in a user's module.
 */
class ExportedPackagesTest {

    @Test
    void everyApiPackageIsExportedAndNoInternalPackageLeaksOutOfBaton() throws IOException {
        List<ModuleDescriptor> baton = batonModules();
        assertThat(baton).extracting(ModuleDescriptor::name)
                .contains("dev.baton.core", "dev.baton.client", "dev.baton.testing", "dev.baton.testing.await");
        for (ModuleDescriptor module : baton) {
            Set<String> api = module.packages().stream().filter(p -> !p.contains(".internal")).collect(Collectors.toCollection(TreeSet::new));
            Set<String> exportedToAll = module.exports().stream().filter(e -> !e.isQualified())
                    .map(ModuleDescriptor.Exports::source).collect(Collectors.toCollection(TreeSet::new));
            assertThat(exportedToAll).as(module.name() + "'s unqualified exports").isEqualTo(api);
            module.exports().stream().filter(ModuleDescriptor.Exports::isQualified).forEach(e ->
                    assertThat(e.targets()).as(module.name() + " exports " + e.source() + " to")
                            .allMatch(t -> t.startsWith("dev.baton.")));
        }
    }

    /**
     * The descriptors of Baton's modules on the class path: the reactor's target/classes when the
     * modules are compiled only, their jars once they are packaged.
     */
    private static List<ModuleDescriptor> batonModules() {
        Path[] entries = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator)).map(Path::of)
                .filter(p -> Files.exists(p.resolve("module-info.class"))
                        || p.getFileName().toString().matches("baton-.*\\.jar"))
                .toArray(Path[]::new);
        return ModuleFinder.of(entries).findAll().stream().map(ModuleReference::descriptor)
                .filter(d -> d.name().startsWith("dev.baton.")).toList();
    }
}

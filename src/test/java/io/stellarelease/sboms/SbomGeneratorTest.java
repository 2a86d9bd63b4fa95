package io.stellarelease.sboms;

import org.cyclonedx.generators.json.BomJsonGenerator;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Dependency;
import org.cyclonedx.model.Hash;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.Property;
import org.junit.jupiter.api.Test;

import java.util.Date;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** One generator per thread, reused for every SBOM it writes, writes what a new library generator writes for each. */
class SbomGeneratorTest {

    @Test
    void aReusedGeneratorWritesWhatANewOneWritesForEachSbom() throws Exception {
        List<Supplier<Bom>> boms = List.of(
                () -> bom("authority", "1.4.0", 2, false),
                () -> bom("scanner", "2.0.1", 0, true),
                () -> bom("suite", "2026.04", 5, true),
                () -> bom("authority", "1.4.0", 2, false));
        SbomWriter.Generator reused = new SbomWriter.Generator();
        for (Supplier<Bom> bom : boms) {
            String fresh = new BomJsonGenerator(bom.get(), SbomWriter.SPEC).toJsonString();
            assertThat(reused.json(bom.get())).isEqualTo(fresh);
        }
        // Each SBOM says what it is: the reflection that sets bomFormat and specVersion reached the later ones too.
        String last = reused.json(bom("notify", "0.9.0", 1, false));
        assertThat(last).contains("\"bomFormat\" : \"CycloneDX\"", "\"specVersion\" : \"1.6\"", "\"notify\"")
                .doesNotContain("authority", "scanner");
    }

    private static Bom bom(String name, String version, int dependencies, boolean properties) {
        Bom bom = new Bom();
        bom.setSerialNumber("urn:uuid:" + java.util.UUID.nameUUIDFromBytes((name + version).getBytes()));
        bom.setVersion(1);
        Component subject = new Component();
        subject.setType(Component.Type.LIBRARY);
        subject.setBomRef("module:" + name);
        subject.setName(name);
        subject.setVersion(version);
        subject.addHash(new Hash(Hash.Algorithm.SHA_256, "ab".repeat(32)));
        if (properties) {
            subject.addProperty(new Property("stella-release:module", name));
        }
        Metadata metadata = new Metadata();
        metadata.setTimestamp(new Date(1_775_000_000_000L));
        metadata.setComponent(subject);
        bom.setMetadata(metadata);
        Dependency root = new Dependency(subject.getBomRef());
        for (int i = 0; i < dependencies; i++) {
            Component library = new Component();
            library.setType(Component.Type.LIBRARY);
            library.setBomRef("pkg:nuget/Lib" + i + "@1." + i);
            library.setName("Lib" + i);
            library.setVersion("1." + i);
            bom.addComponent(library);
            root.addDependency(new Dependency(library.getBomRef()));
        }
        bom.addDependency(root);
        return bom;
    }
}

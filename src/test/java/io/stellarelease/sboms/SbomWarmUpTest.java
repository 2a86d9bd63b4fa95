package io.stellarelease.sboms;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The sboms stage's warm-up renders an SBOM the schema accepts (a rejected one would only be logged) and runs once. */
class SbomWarmUpTest {

    @Test
    void theWarmUpSbomIsValidAndTheWarmUpRunsOnce() throws Exception {
        SbomWriter writer = new SbomWriter(null, Runnable::run); // the warm-up reads no configuration and starts no helper

        writer.warmUp(); // throws when the SBOM it renders fails the CycloneDX schema

        assertThat(writer.isWarm()).isTrue();
        assertThat(writer.stage()).isEqualTo(SbomWriter.STAGE);
        writer.warmUp();
        assertThat(writer.isWarm()).isTrue();
    }
}

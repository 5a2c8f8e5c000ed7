package org.parley.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The node's package arrows point one way: the layer table of docs/ARCHITECTURE.md. */
class LayerTest {
    private static JavaClasses mainClasses;

    @BeforeAll
    static void importMainClasses() {
        mainClasses = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("org.parley");
    }

    @Test
    void noPackageUsesALayerAboveItOrBesideIt() {
        Layers.nodeLayers().check(mainClasses);
    }

    @Test
    void insideTheOverlayTheDhtBuildsOnDiscoveryAndRecordsAndNothingBuildsOnTheDht() {
        Layers.overlayLayers().check(mainClasses);
    }

    @Test
    void onlyCompositionRootsChooseATransport() {
        Layers.transportsChosenOnlyByCompositionRoots().check(mainClasses);
    }

    @Test
    void protocolCodeReachesTimeThreadsAndSocketsOnlyThroughTheSeams() {
        Layers.protocolCodeIsSansIo().check(mainClasses);
    }

    @Test
    void theTwoNetworksDoNotBuildOnEachOther() {
        Layers.inMemoryNetworkStandsOnItsOwn().check(mainClasses);
        Layers.tlsNetworkStandsOnItsOwn().check(mainClasses);
    }
}

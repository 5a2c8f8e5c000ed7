package org.parley.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.properties.HasName;
import com.tngtech.archunit.core.domain.properties.HasParameterTypes;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.parley.identity.PeerId;

/**
 * The node's package arrows point one way: the layer table of docs/ARCHITECTURE.md. Every rule on
 * the main classes is here, so that they are imported once (an import takes seconds).
 */
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

    @Test
    void noLayerAboveTheLinkLayerNamesItsOwnPenaltyPoints() {
        noClasses().that().resideOutsideOfPackage("org.parley.link")
                .should().callMethodWhere(JavaCall.Predicates.target(HasName.Predicates.name("penalize"))
                        .and(JavaCall.Predicates.target(
                                HasParameterTypes.Predicates.rawParameterTypes(PeerId.class, double.class, String.class))))
                .because("misbehaviour is reported by kind, from the one table (Misbehaviour)")
                .check(mainClasses);
    }
}

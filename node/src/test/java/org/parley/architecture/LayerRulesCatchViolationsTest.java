package org.parley.architecture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;
import org.parley.link.Link;
import org.parley.link.tls.TlsGrpcNetwork;
import org.parley.messaging.MessagingConfig;
import org.parley.messaging.fixture.ReadsTheWallClock;
import org.parley.overlay.fixture.UsesMessaging;
import org.parley.overlay.record.PeerRecord;
import org.parley.store.fixture.UpwardArrow;
import org.parley.store.fixture.UsesTheTlsNetwork;

/**
 * The rules of {@link LayerTest} can fail: each is run on classes of the test sources that break
 * it on purpose, and must report them. Without this, a rule that matched nothing would pass.
 */
class LayerRulesCatchViolationsTest {

    @Test
    void aLowerLayerUsingAHigherOneIsAViolation() {
        JavaClasses classes = new ClassFileImporter().importClasses(UpwardArrow.class, Link.class);
        EvaluationResult result = Layers.nodeLayersOfSomeClasses().evaluate(classes);
        assertTrue(result.hasViolation(), "store -> link must be refused");
        assertTrue(result.getFailureReport().toString().contains(UpwardArrow.class.getName()),
                result.getFailureReport().toString());
    }

    @Test
    void siblingsOnOneRowMayNotUseEachOther() {
        JavaClasses classes = new ClassFileImporter().importClasses(UsesMessaging.class, MessagingConfig.class);
        EvaluationResult result = Layers.nodeLayersOfSomeClasses().evaluate(classes);
        assertTrue(result.hasViolation(), "overlay -> messaging must be refused");
        assertTrue(result.getFailureReport().toString().contains(UsesMessaging.class.getName()),
                result.getFailureReport().toString());
    }

    @Test
    void anEmptyLayerIsAViolationOfTheFullRule() {
        JavaClasses classes = new ClassFileImporter().importClasses(PeerRecord.class, Link.class);
        assertTrue(Layers.nodeLayers().evaluate(classes).hasViolation(), "a renamed package must not pass unseen");
    }

    @Test
    void aPackageInNoLayerIsAViolationOfTheFullRule() {
        JavaClasses classes = new ClassFileImporter().importClasses(LayerRulesCatchViolationsTest.class, Link.class);
        String report = Layers.nodeLayers().evaluate(classes).getFailureReport().toString();
        assertTrue(report.contains(LayerRulesCatchViolationsTest.class.getName() + "> is not contained"), report);
    }

    @Test
    void aDownwardArrowIsAllowed() {
        EvaluationResult overlayOnLink = Layers.nodeLayersOfSomeClasses().evaluate(
                new ClassFileImporter().importClasses(PeerRecord.class, Link.class));
        assertFalse(overlayOnLink.hasViolation(), overlayOnLink.getFailureReport().toString());
    }

    @Test
    void protocolCodeReadingTheWallClockOrSleepingIsAViolation() {
        JavaClasses classes = new ClassFileImporter().importClasses(ReadsTheWallClock.class);
        EvaluationResult result = Layers.protocolCodeIsSansIo().evaluate(classes);
        String report = result.getFailureReport().toString();
        assertTrue(report.contains("currentTimeMillis"), report);
        assertTrue(report.contains("Thread.sleep"), report);
        assertTrue(report.contains("Thread.<init>"), report);
    }

    @Test
    void protocolCodeNamingATransportIsAViolation() {
        JavaClasses classes = new ClassFileImporter().importClasses(UsesTheTlsNetwork.class, TlsGrpcNetwork.class);
        EvaluationResult result = Layers.transportsChosenOnlyByCompositionRoots().evaluate(classes);
        assertTrue(result.hasViolation(), "store -> link.tls must be refused");
        assertTrue(result.getFailureReport().toString().contains(UsesTheTlsNetwork.class.getName()),
                result.getFailureReport().toString());
    }
}

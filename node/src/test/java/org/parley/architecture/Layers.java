package org.parley.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.ArrayList;
import java.util.List;

/**
 * The layer table of docs/ARCHITECTURE.md as rules. Layers are listed top to bottom; a layer may
 * use any layer below it and none above it or beside it on its own row. Change the table there and
 * here together.
 */
final class Layers {
    /** The packages of {@code node/}, top to bottom; packages on one row are siblings. */
    static final List<List<String>> NODE = List.of(
            List.of("cli"),
            List.of("sim"),
            List.of("control"),
            List.of("node"),
            List.of("api"),
            // Siblings: mailboxes hold envelopes and posts; files fetch chunks. Neither uses the other.
            List.of("mailbox", "files"),
            List.of("groups"),
            // Siblings: overlay never imports messaging, and messaging knows nothing of the overlay.
            List.of("messaging", "overlay"),
            List.of("link"),
            List.of("identity"),
            List.of("store"),
            List.of("crypto"),
            List.of("runtime", "measure"));

    /** Inside the overlay: the DHT builds on discovery's record book; gossip stands alone. */
    static final List<List<String>> OVERLAY = List.of(
            List.of("overlay.dht", "overlay.gossip"),
            List.of("overlay.discovery"),
            List.of("overlay.record"));

    /** Packages that choose a transport: only composition roots build the TLS or in-memory network. */
    private static final String[] COMPOSITION_ROOTS = {
        "org.parley.cli..", "org.parley.sim..", "org.parley.node..",
        "org.parley.link.tls..", "org.parley.link.memory.."};

    /** Protocol code: it runs in the daemon on real threads and in the simulator under virtual time. */
    private static final String[] PROTOCOL = {
        "org.parley.link", "org.parley.link.memory..", "org.parley.overlay..", "org.parley.messaging..",
        "org.parley.groups..", "org.parley.mailbox..", "org.parley.files.."};

    private Layers() {
    }

    /**
     * Protocol code takes time, timers, threads and sockets only through the seams (Clock,
     * Scheduler, Network): never the wall clock, sleeps, threads of its own or sockets.
     */
    static ArchRule protocolCodeIsSansIo() {
        return noClasses().that().resideInAnyPackage(PROTOCOL)
                .should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(java.time.Instant.class, "now")
                .orShould().dependOnClassesThat().areAssignableTo(Thread.class)
                .orShould().dependOnClassesThat().belongToAnyOf(java.util.concurrent.Executors.class,
                        java.net.Socket.class, java.net.ServerSocket.class, java.nio.channels.SocketChannel.class)
                .because("protocol code must run unchanged under the simulator's virtual time");
    }

    /**
     * The node's layers: an arrow pointing up, or sideways within a row, is a violation, and so is a
     * layer with no classes (a package renamed without its row here) or a package in no layer (a
     * new package must find its row). The generated protocol classes sit below every layer.
     */
    static ArchRule nodeLayers() {
        return ranked(NODE).ensureAllClassesAreContainedInArchitectureIgnoring("org.parley.proto..");
    }

    /** The same arrows, for a handful of classes that leave most layers empty. */
    static ArchRule nodeLayersOfSomeClasses() {
        return ranked(NODE).withOptionalLayers(true);
    }

    static ArchRule overlayLayers() {
        return ranked(OVERLAY);
    }

    /** The link layer's core is written against the {@code Network} seam, never an implementation. */
    static ArchRule transportsChosenOnlyByCompositionRoots() {
        return noClasses().that().resideOutsideOfPackages(COMPOSITION_ROOTS)
                .should().dependOnClassesThat().resideInAnyPackage("org.parley.link.tls..", "org.parley.link.memory..")
                .because("protocol code sees only the Network seam; the daemon and the simulator pick the transport");
    }

    /** The two networks are held to one contract (NetworkContractTest), not built on each other. */
    static ArchRule inMemoryNetworkStandsOnItsOwn() {
        return noClasses().that().resideInAPackage("org.parley.link.memory..")
                .should().dependOnClassesThat().resideInAPackage("org.parley.link.tls..");
    }

    static ArchRule tlsNetworkStandsOnItsOwn() {
        return noClasses().that().resideInAPackage("org.parley.link.tls..")
                .should().dependOnClassesThat().resideInAPackage("org.parley.link.memory..");
    }

    private static LayeredArchitecture ranked(List<List<String>> rows) {
        LayeredArchitecture architecture = Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (List<String> row : rows) {
            for (String layer : row) {
                architecture = architecture.layer(layer).definedBy("org.parley." + layer + "..");
            }
        }
        List<String> above = new ArrayList<>();
        for (List<String> row : rows) {
            for (String layer : row) {
                architecture = above.isEmpty()
                        ? architecture.whereLayer(layer).mayNotBeAccessedByAnyLayer()
                        : architecture.whereLayer(layer).mayOnlyBeAccessedByLayers(above.toArray(String[]::new));
            }
            above.addAll(row);
        }
        return architecture;
    }
}

package org.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.LookupView;
import org.parley.api.StatusView;
import org.parley.control.ControlClient;

/**
 * alice's home router runs a real UPnP-IGD daemon (Debian's miniupnpd, in the router's namespace
 * of a {@link NatTestBed}). Her node maps its port there, peers confirm they reach her at the
 * mapped address, she becomes public, and a peer on the "internet" that knows nothing but that
 * address dials her directly. When her daemon stops, the router forwards nothing any more.
 */
class PortMappingTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String MAPPED = NatTestBed.UPNP_ROUTER_ADDRESS + ":" + NatDaemons.PORT;

    @TempDir
    Path work;

    @Test
    void aNodeBehindAUpnpRouterMapsItsPortBecomesPublicAndIsDialledDirectly() throws Exception {
        NatTestBed.requireMiniupnpd();
        Path router = Files.createDirectories(work.resolve("router"));
        try (NatTestBed bed = NatTestBed.createWithUpnpRouter(router, false);
             NatDaemons nodes = new NatDaemons(work)) {
            nodes.init("seed");
            String alice = nodes.init("alice");
            String dave = nodes.init("dave");
            nodes.daemon(bed.publicNamespace(), "seed", NatDaemons.PORT);
            Process aliceDaemon = nodes.daemon(bed.home(1), "alice", NatDaemons.PORT, "--bootstrap", NatDaemons.SEED);
            Instant started = Instant.now();

            await(nodes, "alice", router, () -> status(nodes, "alice").portMapping() != null,
                    "alice's router maps her port");
            Duration mapped = Duration.between(started, Instant.now());
            JsonObject status = nodes.status(bed.home(1), "alice");
            JsonObject mapping = status.getAsJsonObject("portMapping");
            assertEquals("upnp", mapping.get("protocol").getAsString(), status.toString());
            assertEquals(MAPPED, mapping.get("external").getAsString(), status.toString());
            assertTrue(bed.upnpForwards().contains("dnat ip to 10.1.0.2:" + NatDaemons.PORT), bed.upnpForwards());

            // dave is on the internet and knows only alice's peer ID and mapped address.
            nodes.daemon(bed.publicNamespace(), "dave", "7451", "--bootstrap", alice + "@" + MAPPED);
            await(nodes, "alice", router, () -> status(nodes, "alice").reachability().equals("public"),
                    "alice is public");
            Duration isPublic = Duration.between(started, Instant.now());
            status = nodes.status(bed.home(1), "alice");
            assertEquals("public", status.get("reachability").getAsString(), status.toString());
            assertTrue(NatDaemons.strings(status.getAsJsonArray("observedAddresses")).contains(MAPPED),
                    status.toString());
            JsonObject link = nodes.peerEntry(bed.publicNamespace(), "dave", alice);
            assertNotNull(link, "dave is linked to alice");
            assertEquals("direct", link.get("path").getAsString(), link.toString());
            assertEquals(MAPPED, link.get("address").getAsString(), "dave dialled the mapped address: " + link);

            // Her record, as the seed finds it, names the mapped address: others can dial her there too.
            await(nodes, "alice", router, () -> foundRecordNames(nodes, "seed", alice, MAPPED),
                    "the seed finds alice's record naming " + MAPPED);
            assertTrue(recordNames(nodes, bed.publicNamespace(), "seed", alice, MAPPED), "lookup --json agrees");

            nodes.ok(bed.home(1), "contact", "add", "--home", nodes.home("alice"), dave, "--name", "dave");
            nodes.ok(bed.publicNamespace(), "contact", "add", "--home", nodes.home("dave"), alice, "--name", "alice");
            nodes.ok(bed.publicNamespace(), "send", "--home", nodes.home("dave"), alice, "straight through");
            await(nodes, "alice", router, () -> holds(nodes, "alice", dave, "straight through"),
                    "alice gets dave's message");
            assertTrue(received(nodes, bed.home(1), "alice", dave, "straight through"), "history --json agrees");
            System.out.printf("UPnP port mapping: alice's port mapped %.1f s and alice public %.1f s after her daemon "
                    + "answered%n", mapped.toMillis() / 1000.0, isPublic.toMillis() / 1000.0);

            aliceDaemon.destroy();
            assertTrue(aliceDaemon.waitFor(30, TimeUnit.SECONDS), "alice's daemon stops");
            assertEquals("", bed.upnpForwards(), "alice's daemon removed its mapping as it stopped");
        }
    }

    /**
     * The same router speaking NAT-PMP and PCP too: the node asks in PCP first, and the router
     * forwards the port until the node stops.
     */
    @Test
    void onARouterThatSpeaksPcpTheNodeMapsItsPortWithPcpAndRemovesItOnStop() throws Exception {
        NatTestBed.requireMiniupnpd();
        Path router = Files.createDirectories(work.resolve("router"));
        try (NatTestBed bed = NatTestBed.createWithUpnpRouter(router, true);
             NatDaemons nodes = new NatDaemons(work)) {
            nodes.init("alice");
            Process aliceDaemon = nodes.daemon(bed.home(1), "alice", NatDaemons.PORT);
            await(nodes, "alice", router, () -> status(nodes, "alice").portMapping() != null,
                    "alice's router maps her port");
            JsonObject status = nodes.status(bed.home(1), "alice");
            JsonObject mapping = status.getAsJsonObject("portMapping");
            assertEquals("pcp", mapping.get("protocol").getAsString(), status.toString());
            assertEquals(MAPPED, mapping.get("external").getAsString(), status.toString());
            assertTrue(bed.upnpForwards().contains("dnat ip to 10.1.0.2:" + NatDaemons.PORT), bed.upnpForwards());

            aliceDaemon.destroy();
            assertTrue(aliceDaemon.waitFor(30, TimeUnit.SECONDS), "alice's daemon stops");
            assertEquals("", bed.upnpForwards(), "alice's daemon removed its mapping as it stopped");
        }
    }

    private static void await(NatDaemons nodes, String name, Path router, Profiles.Condition condition, String what)
            throws Exception {
        try {
            Profiles.await(condition, what, WAIT);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + nodes.logTail(name) + "\n--- miniupnpd\n"
                    + Files.readString(router.resolve("miniupnpd.log")), e);
        }
    }

    /**
     * {@code name}'s status through its control API. The waits ask there, as a command each time
     * would cost a JVM start; once a wait is over, the command a user would run shows the same.
     */
    private static StatusView status(NatDaemons nodes, String name) throws Exception {
        return nodes.ask(name, ControlClient::status);
    }

    private static boolean foundRecordNames(NatDaemons nodes, String name, String peer, String address)
            throws Exception {
        LookupView lookup = nodes.ask(name, client -> client.lookup(peer));
        return lookup.found() && lookup.record().addresses().contains(address);
    }

    private static boolean holds(NatDaemons nodes, String name, String peer, String text) throws Exception {
        return nodes.ask(name, client -> client.history(peer, 1000, Optional.empty()).stream()
                .anyMatch(message -> message.text().equals(text) && message.direction().equals("in")));
    }

    private static boolean recordNames(NatDaemons nodes, String namespace, String name, String peer, String address)
            throws Exception {
        JsonObject found = JsonParser.parseString(nodes.ok(namespace, "lookup", "--home", nodes.home(name), peer,
                "--json")).getAsJsonObject();
        return found.get("found").getAsBoolean()
                && NatDaemons.strings(found.getAsJsonObject("record").getAsJsonArray("addresses")).contains(address);
    }

    private static boolean received(NatDaemons nodes, String namespace, String name, String peer, String text)
            throws Exception {
        for (JsonElement message : JsonParser.parseString(nodes.ok(namespace, "history", "--home", nodes.home(name),
                peer, "--json")).getAsJsonArray()) {
            JsonObject view = message.getAsJsonObject();
            if (view.get("text").getAsString().equals(text) && view.get("direction").getAsString().equals("in")) {
                return true;
            }
        }
        return false;
    }
}

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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

            JsonObject[] status = new JsonObject[1];
            await(nodes, "alice", router, () -> {
                status[0] = nodes.status(bed.home(1), "alice");
                return !status[0].get("portMapping").isJsonNull();
            }, "alice's router maps her port");
            Duration mapped = Duration.between(started, Instant.now());
            JsonObject mapping = status[0].getAsJsonObject("portMapping");
            assertEquals("upnp", mapping.get("protocol").getAsString(), status[0].toString());
            assertEquals(MAPPED, mapping.get("external").getAsString(), status[0].toString());
            assertTrue(bed.upnpForwards().contains("dnat ip to 10.1.0.2:" + NatDaemons.PORT), bed.upnpForwards());

            // dave is on the internet and knows only alice's peer ID and mapped address.
            nodes.daemon(bed.publicNamespace(), "dave", "7451", "--bootstrap", alice + "@" + MAPPED);
            await(nodes, "alice", router, () -> {
                status[0] = nodes.status(bed.home(1), "alice");
                return status[0].get("reachability").getAsString().equals("public");
            }, "alice is public");
            Duration isPublic = Duration.between(started, Instant.now());
            assertTrue(NatDaemons.strings(status[0].getAsJsonArray("observedAddresses")).contains(MAPPED),
                    status[0].toString());
            JsonObject link = nodes.peerEntry(bed.publicNamespace(), "dave", alice);
            assertNotNull(link, "dave is linked to alice");
            assertEquals("direct", link.get("path").getAsString(), link.toString());
            assertEquals(MAPPED, link.get("address").getAsString(), "dave dialled the mapped address: " + link);

            // Her record, as the seed finds it, names the mapped address: others can dial her there too.
            await(nodes, "alice", router, () -> recordNames(nodes, bed.publicNamespace(), "seed", alice, MAPPED),
                    "the seed finds alice's record naming " + MAPPED);

            nodes.ok(bed.home(1), "contact", "add", "--home", nodes.home("alice"), dave, "--name", "dave");
            nodes.ok(bed.publicNamespace(), "contact", "add", "--home", nodes.home("dave"), alice, "--name", "alice");
            nodes.ok(bed.publicNamespace(), "send", "--home", nodes.home("dave"), alice, "straight through");
            await(nodes, "alice", router, () -> received(nodes, bed.home(1), "alice", dave, "straight through"),
                    "alice gets dave's message");
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
            JsonObject[] status = new JsonObject[1];
            await(nodes, "alice", router, () -> {
                status[0] = nodes.status(bed.home(1), "alice");
                return !status[0].get("portMapping").isJsonNull();
            }, "alice's router maps her port");
            JsonObject mapping = status[0].getAsJsonObject("portMapping");
            assertEquals("pcp", mapping.get("protocol").getAsString(), status[0].toString());
            assertEquals(MAPPED, mapping.get("external").getAsString(), status[0].toString());
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

package org.parley.link.portmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.link.HostPort;

/** The UPnP-IGD client against a scripted router: the usual exchange, the router's faults, and hostile answers. */
class UpnpIgdClientTest {
    private static final Duration LIFETIME = Duration.ofHours(2);
    private static final String ROUTER = "10.1.0.1";
    private static final String SERVICE = "urn:schemas-upnp-org:service:WANIPConnection:2";

    @TempDir
    Path temp;

    @Test
    void findsTheRouterMapsThePortAndRemovesIt() throws Exception {
        ScriptedRouter router = new ScriptedRouter();
        UpnpIgdClient client = new UpnpIgdClient(router);

        PortMapping mapping = client.map(7450, LIFETIME).orElseThrow();
        assertEquals(new PortMapping(MappingProtocol.UPNP, new HostPort("203.0.113.2", 7450), 7450, LIFETIME), mapping);
        assertEquals(List.of("http://10.1.0.1:5000/rootDesc.xml"), router.fetched);
        String add = router.posted.get(1);
        assertTrue(add.startsWith(SERVICE + "#AddPortMapping "), add);
        assertTrue(add.contains("<NewInternalClient>10.1.0.2</NewInternalClient>"), add);
        assertTrue(add.contains("<NewExternalPort>7450</NewExternalPort>"), add);
        assertTrue(add.contains("<NewLeaseDuration>7200</NewLeaseDuration>"), add);
        assertTrue(router.urls.stream().allMatch(url -> url.equals("http://10.1.0.1:5000/ctl/IPConn")), router.urls.toString());

        client.map(7450, LIFETIME).orElseThrow();
        assertEquals(1, router.fetched.size(), "a renewal does not search again");
        client.unmap(mapping);
        String delete = router.posted.get(router.posted.size() - 1);
        assertTrue(delete.startsWith(SERVICE + "#DeletePortMapping "), delete);
        assertTrue(delete.contains("<NewExternalPort>7450</NewExternalPort>"), delete);
    }

    @Test
    void aTakenPortMovesOnAndARouterOfPermanentLeasesGetsOne() throws Exception {
        ScriptedRouter router = new ScriptedRouter();
        router.addFaults.add(UpnpIgdClient.CONFLICT_IN_MAPPING_ENTRY);
        router.addFaults.add(UpnpIgdClient.ONLY_PERMANENT_LEASES_SUPPORTED);
        PortMapping mapping = new UpnpIgdClient(router).map(7450, LIFETIME).orElseThrow();
        assertEquals(7451, mapping.external().port());
        assertEquals(Duration.ZERO, mapping.lifetime(), "kept until removed");
        assertTrue(router.posted.get(router.posted.size() - 1).contains("<NewLeaseDuration>0</NewLeaseDuration>"));
    }

    @Test
    void aRefusalSaysWhy() {
        ScriptedRouter router = new ScriptedRouter();
        router.addFaults.add(606);
        IOException refused = assertThrows(IOException.class, () -> new UpnpIgdClient(router).map(7450, LIFETIME));
        assertTrue(refused.getMessage().contains("606"), refused.getMessage());
    }

    @Test
    void aSearchAnswerNamingAnotherHostIsNotFollowed() throws Exception {
        ScriptedRouter router = new ScriptedRouter();
        router.location = "http://192.0.2.80/rootDesc.xml";
        assertEquals(Optional.empty(), new UpnpIgdClient(router).map(7450, LIFETIME));
        assertEquals(List.of(), router.fetched, "nothing fetched from a third party");
    }

    @Test
    void aControlUrlLeadingAwayFromTheRouterIsRefused() {
        ScriptedRouter router = new ScriptedRouter();
        router.controlUrl = "http://192.0.2.80/ctl";
        assertThrows(IOException.class, () -> new UpnpIgdClient(router).map(7450, LIFETIME));
        assertEquals(List.of(), router.posted);
    }

    @Test
    void aDescriptionWithAnEntityIsRefusedWithoutReadingAnyFile() throws Exception {
        Path secret = temp.resolve("secret");
        Files.writeString(secret, "s3cret-content");
        ScriptedRouter router = new ScriptedRouter();
        router.description = "<?xml version=\"1.0\"?><!DOCTYPE root [<!ENTITY x SYSTEM \"" + secret.toUri()
                + "\">]><root><URLBase>&x;</URLBase>" + router.description.substring(router.description.indexOf("<device>"));
        IOException refused = assertThrows(IOException.class, () -> new UpnpIgdClient(router).map(7450, LIFETIME));
        assertFalse(refused.getMessage().contains("s3cret-content"), refused.getMessage());
        assertEquals(List.of(), router.posted);

        router.description = "<root><device>" + "<x>".repeat(10) + "unclosed";
        assertThrows(IOException.class, () -> new UpnpIgdClient(router).map(7450, LIFETIME));
    }

    @Test
    void aDescriptionWithoutAConnectionServiceMeansNoRouter() throws Exception {
        ScriptedRouter router = new ScriptedRouter();
        router.description = "<root><device><serviceList><service><serviceType>urn:schemas-upnp-org:service:"
                + "Layer3Forwarding:1</serviceType><controlURL>/ctl/L3F</controlURL></service></serviceList>"
                + "</device></root>";
        assertEquals(Optional.empty(), new UpnpIgdClient(router).map(7450, LIFETIME));
    }

    @Test
    void aRouterNamingNoUsableExternalAddressIsNotBelieved() {
        ScriptedRouter router = new ScriptedRouter();
        router.externalAddress = "<script>";
        assertThrows(IOException.class, () -> new UpnpIgdClient(router).map(7450, LIFETIME));
        router.externalAddress = "";
        assertThrows(IOException.class, () -> new UpnpIgdClient(router).map(7450, LIFETIME));
    }

    /** A transport on which no router answers the search. */
    static UpnpTransport noRouter() {
        ScriptedRouter router = new ScriptedRouter();
        router.answersSearch = false;
        return router;
    }

    /** A miniature UPnP router: answers the search, serves its description, takes SOAP calls. */
    static final class ScriptedRouter implements UpnpTransport {
        boolean answersSearch = true;
        String location = "http://10.1.0.1:5000/rootDesc.xml";
        String controlUrl = "/ctl/IPConn";
        String externalAddress = "203.0.113.2";
        String description = """
                <?xml version="1.0"?>
                <root xmlns="urn:schemas-upnp-org:device-1-0"><device>
                <deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:2</deviceType>
                <deviceList><device><deviceList><device><serviceList>
                <service><serviceType>%s</serviceType><controlURL>%s</controlURL></service>
                </serviceList></device></deviceList></device></deviceList>
                </device></root>
                """;
        final Deque<Integer> addFaults = new ArrayDeque<>();
        final List<String> fetched = new ArrayList<>();
        final List<String> posted = new ArrayList<>();
        final List<String> urls = new ArrayList<>();

        @Override
        public List<SsdpReply> search() throws IOException {
            if (!answersSearch) {
                return List.of();
            }
            return List.of(new SsdpReply(InetAddress.getByName(ROUTER), "HTTP/1.1 200 OK\r\nST: "
                    + "urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nLOCATION: " + location + "\r\n\r\n"));
        }

        @Override
        public HttpReply get(URI url) {
            fetched.add(url.toString());
            return new HttpReply(200, description.contains("%s") ? description.formatted(SERVICE, controlUrl)
                    : description);
        }

        @Override
        public HttpReply post(URI url, String action, String body) {
            posted.add(action + " " + body);
            urls.add(url.toString());
            String name = action.substring(action.indexOf('#') + 1);
            if (name.equals("AddPortMapping") && !addFaults.isEmpty()) {
                return new HttpReply(500, "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">"
                        + "<s:Body><s:Fault><detail><UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>"
                        + addFaults.poll() + "</errorCode><errorDescription>no</errorDescription></UPnPError>"
                        + "</detail></s:Fault></s:Body></s:Envelope>");
            }
            String out = name.equals("GetExternalIPAddress")
                    ? "<NewExternalIPAddress>" + externalAddress + "</NewExternalIPAddress>" : "";
            return new HttpReply(200, "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
                    + "<u:" + name + "Response xmlns:u=\"" + SERVICE + "\">" + out + "</u:" + name + "Response>"
                    + "</s:Body></s:Envelope>");
        }

        @Override
        public InetAddress localAddressToward(InetAddress device) throws IOException {
            return InetAddress.getByName("10.1.0.2");
        }
    }
}

package org.parley.link.portmap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The real {@link UpnpTransport}: SSDP over UDP multicast, HTTP with the JDK's client. */
final class UpnpNetwork implements UpnpTransport {
    private static final InetSocketAddress SSDP = new InetSocketAddress("239.255.255.250", 1900);
    private static final List<String> SEARCH_TARGETS = List.of(
            "urn:schemas-upnp-org:device:InternetGatewayDevice:1",
            "urn:schemas-upnp-org:device:InternetGatewayDevice:2");
    /** Routers answer within the MX seconds the search names; a little more for the way back. */
    private static final int MX_SECONDS = 1;
    static final Duration SEARCH_WAIT = Duration.ofMillis(MX_SECONDS * 1000 + 500);
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(3);
    private static final int MAX_REPLIES = 16;

    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(HTTP_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    @Override
    public List<SsdpReply> search() throws IOException {
        List<SsdpReply> replies = new ArrayList<>();
        try (DatagramSocket socket = new DatagramSocket()) {
            for (String target : SEARCH_TARGETS) {
                byte[] request = ("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n"
                        + "MX: " + MX_SECONDS + "\r\nST: " + target + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                socket.send(new DatagramPacket(request, request.length, SSDP));
            }
            long deadline = System.nanoTime() + SEARCH_WAIT.toNanos();
            byte[] buffer = new byte[2048];
            while (replies.size() < MAX_REPLIES) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(left).toMillis()));
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    break;
                }
                SsdpReply reply = new SsdpReply(packet.getAddress(),
                        new String(buffer, 0, packet.getLength(), StandardCharsets.ISO_8859_1));
                replies.add(reply);
                if (reply.text().startsWith("HTTP/1.1 200")) {
                    break; // one router is what a home has; no need to wait out the search
                }
            }
        }
        return replies;
    }

    @Override
    public HttpReply get(URI url) throws IOException {
        return send(HttpRequest.newBuilder(url).timeout(HTTP_TIMEOUT).GET().build());
    }

    @Override
    public HttpReply post(URI url, String action, String body) throws IOException {
        return send(HttpRequest.newBuilder(url).timeout(HTTP_TIMEOUT)
                .header("Content-Type", "text/xml; charset=\"utf-8\"")
                .header("SOAPAction", "\"" + action + "\"")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build());
    }

    @Override
    public InetAddress localAddressToward(InetAddress device) throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(new InetSocketAddress(device, 1900));
            return socket.getLocalAddress();
        }
    }

    private HttpReply send(HttpRequest request) throws IOException {
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                ByteArrayOutputStream read = new ByteArrayOutputStream();
                byte[] chunk = new byte[8192];
                for (int n; (n = body.read(chunk)) != -1; ) {
                    read.write(chunk, 0, n);
                    if (read.size() > MAX_BODY) {
                        throw new IOException("the router's answer is longer than " + MAX_BODY + " bytes");
                    }
                }
                return new HttpReply(response.statusCode(), read.toString(StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while talking to the router", e);
        }
    }
}

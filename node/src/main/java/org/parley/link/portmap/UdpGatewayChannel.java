package org.parley.link.portmap;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;

/**
 * A UDP socket connected to the gateway's port 5351. Being connected, it receives only datagrams
 * from that address and port: the source check RFC 6886 and RFC 6887 ask of a client.
 */
final class UdpGatewayChannel implements GatewayChannel {
    static final int PORT = 5351;

    private final DatagramSocket socket;

    private UdpGatewayChannel(DatagramSocket socket) {
        this.socket = socket;
    }

    static UdpGatewayChannel open(InetAddress gateway) throws IOException {
        DatagramSocket socket = new DatagramSocket();
        try {
            socket.connect(new InetSocketAddress(gateway, PORT));
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        return new UdpGatewayChannel(socket);
    }

    @Override
    public InetAddress localAddress() {
        return socket.getLocalAddress();
    }

    @Override
    public void send(byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length));
    }

    @Override
    public byte[] receive(Duration timeout) throws IOException {
        byte[] buffer = new byte[PcpCodec.MAX_LENGTH + 1];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return Arrays.copyOf(buffer, packet.getLength());
    }

    @Override
    public void close() {
        socket.close();
    }
}

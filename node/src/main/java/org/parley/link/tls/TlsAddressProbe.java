package org.parley.link.tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.logging.Logger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.AddressProbe;
import org.parley.link.HostPort;
import org.parley.runtime.Scheduler;

/**
 * The real {@link AddressProbe}: a TCP connection and a TLS 1.3 handshake with this node's own
 * certificate, trusting only the expected peer ID's binding (as every link does), then closed
 * before any HTTP/2 is spoken. Blocking sockets on a small pool of its own threads, never on the
 * loop; each outcome goes back to the loop.
 */
public final class TlsAddressProbe implements AddressProbe, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TlsAddressProbe.class.getName());
    private static final int THREADS = 2;

    private final OwnKeyManager ownKey;
    private final Scheduler loop;
    private final Duration timeout;
    private final ExecutorService dialers;

    public TlsAddressProbe(Identity identity, Scheduler loop, Duration timeout) {
        this.ownKey = new OwnKeyManager(CertificateBinding.create(identity));
        this.loop = loop;
        this.timeout = timeout;
        this.dialers = Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread thread = new Thread(runnable, "parley-address-probe");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void probe(PeerId expected, HostPort address, Consumer<Boolean> done) {
        try {
            dialers.execute(() -> {
                boolean reached = handshake(expected, address);
                loop.execute(() -> done.accept(reached));
            });
        } catch (RejectedExecutionException closed) {
            loop.execute(() -> done.accept(false));
        }
    }

    private boolean handshake(PeerId expected, HostPort address) {
        int millis = (int) timeout.toMillis();
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(address.host(), address.port()), millis);
            plain.setSoTimeout(millis);
            try (SSLSocket tls = (SSLSocket) context(expected).getSocketFactory()
                    .createSocket(plain, address.host(), address.port(), false)) {
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setProtocols(new String[] {"TLSv1.3"});
                // The peer's gRPC server speaks only HTTP/2; offering it keeps the handshake one
                // it would accept from any dialer.
                parameters.setApplicationProtocols(new String[] {"h2"});
                tls.setSSLParameters(parameters);
                tls.startHandshake();
                return true;
            }
        } catch (IOException | GeneralSecurityException e) {
            LOG.fine(() -> "probe of " + expected.shortForm() + " at " + address + " failed: " + e.getMessage());
            return false;
        }
    }

    private SSLContext context(PeerId expected) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(new KeyManager[] {ownKey}, new TrustManager[] {new PeerTrustManager(Optional.of(expected))}, null);
        return context;
    }

    @Override
    public void close() {
        dialers.shutdownNow();
    }
}

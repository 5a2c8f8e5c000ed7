package org.parley.node;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.parley.messaging.Stamp;
import org.parley.files.FileConfig;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.link.relay.RelayLimits;
import org.parley.mailbox.MailboxConfig;
import org.parley.overlay.discovery.DiscoveryConfig;

/**
 * How a node joins the network.
 *
 * @param listen where to accept links (port 0 picks a free one)
 * @param bootstrap peers to keep links to from the start
 * @param links limits and timings of the link layer
 * @param targetLinks links discovery opens on its own until the node has this many
 * @param announce where others can reach this node, as its record says; empty: the listen
 *                 address, unless that is a wildcard
 * @param mailbox how this node holds mail for others and relays its own
 * @param relay how this node relays links for peers that cannot be dialled (on by default, within limits)
 * @param portMapping whether to map the listen port on the router (UPnP-IGD, NAT-PMP, PCP); the daemon
 *                    does unless told not to, other users of these options only when they ask
 * @param downloads where received files are written; null: the home's {@code downloads} folder
 * @param files limits of file transfers
 * @param stampBits the proof of work (bits) the node pays on what it seals and asks of deposits
 *                  and first contacts ({@code Stamp}; a network's nodes must agree on it)
 * @param apiTimeout how long a call of the node's API waits for the node's loop before it fails
 *                   ("the node did not answer"): long enough for a busy node, short enough that a
 *                   stuck one is told; in-process benchmarks, whose many nodes share the
 *                   process's cores, wait longer
 */
public record NodeOptions(HostPort listen, List<DialTarget> bootstrap, LinkConfig links, int targetLinks,
                          List<HostPort> announce, MailboxConfig mailbox, RelayLimits relay, boolean portMapping,
                          Path downloads, FileConfig files, int stampBits, Duration apiTimeout) {
    /** Where a daemon listens when not told: every interface, on Parley's default port. */
    public static final HostPort DEFAULT_LISTEN = new HostPort("0.0.0.0", 7450);
    public static final Duration DEFAULT_API_TIMEOUT = Duration.ofSeconds(10);

    public NodeOptions {
        bootstrap = List.copyOf(bootstrap);
        announce = List.copyOf(announce);
        Stamp.checkedBits(stampBits);
        if (targetLinks < 1) {
            throw new IllegalArgumentException("a node needs at least one link, not " + targetLinks);
        }
        if (apiTimeout.isNegative() || apiTimeout.isZero()) {
            throw new IllegalArgumentException("an API call needs time to wait, not " + apiTimeout);
        }
    }

    public NodeOptions(HostPort listen, List<DialTarget> bootstrap, LinkConfig links, int targetLinks,
                       List<HostPort> announce, MailboxConfig mailbox, RelayLimits relay, boolean portMapping) {
        this(listen, bootstrap, links, targetLinks, announce, mailbox, relay, portMapping, null, FileConfig.defaults(),
                Stamp.DEFAULT_BITS, DEFAULT_API_TIMEOUT);
    }

    public NodeOptions(HostPort listen, List<DialTarget> bootstrap, LinkConfig links) {
        this(listen, bootstrap, links, DiscoveryConfig.defaults().targetLinks(), List.of(), MailboxConfig.defaults(),
                RelayLimits.defaults(), false);
    }

    public static NodeOptions of(HostPort listen, List<DialTarget> bootstrap) {
        return new NodeOptions(listen, bootstrap, LinkConfig.defaults());
    }

    public NodeOptions withTargetLinks(int links) {
        return new NodeOptions(listen, bootstrap, this.links, links, announce, mailbox, relay, portMapping, downloads, files, stampBits, apiTimeout);
    }

    public NodeOptions withAnnounce(List<HostPort> addresses) {
        return new NodeOptions(listen, bootstrap, links, targetLinks, addresses, mailbox, relay, portMapping, downloads, files, stampBits, apiTimeout);
    }

    public NodeOptions withMailbox(MailboxConfig config) {
        return new NodeOptions(listen, bootstrap, links, targetLinks, announce, config, relay, portMapping, downloads, files, stampBits, apiTimeout);
    }

    public NodeOptions withPortMapping(boolean on) {
        return new NodeOptions(listen, bootstrap, links, targetLinks, announce, mailbox, relay, on, downloads, files, stampBits, apiTimeout);
    }

    /** Received files go to {@code folder} (null: the home's), within {@code limits}. */
    public NodeOptions withFiles(Path folder, FileConfig limits) {
        return new NodeOptions(listen, bootstrap, links, targetLinks, announce, mailbox, relay, portMapping, folder,
                limits, stampBits, apiTimeout);
    }

    /** The proof of work this node pays and asks for: {@code Stamp.checkedBits}' range. */
    public NodeOptions withStampBits(int bits) {
        return new NodeOptions(listen, bootstrap, links, targetLinks, announce, mailbox, relay, portMapping, downloads,
                files, bits, apiTimeout);
    }

    /** API calls wait up to {@code timeout} for the node's loop. */
    public NodeOptions withApiTimeout(Duration timeout) {
        return new NodeOptions(listen, bootstrap, links, targetLinks, announce, mailbox, relay, portMapping, downloads,
                files, stampBits, timeout);
    }

    public NodeOptions withRelay(RelayLimits limits) {
        return new NodeOptions(listen, bootstrap, links, targetLinks, announce, mailbox, limits, portMapping, downloads, files, stampBits, apiTimeout);
    }
}

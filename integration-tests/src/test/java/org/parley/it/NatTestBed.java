package org.parley.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Networks built of Linux network namespaces with the kernel's own NAT: a "public" namespace on
 * 198.51.100.0/24 (a documentation range) holding a bridge, the internet of this test, and for each
 * home a router namespace (WAN on the bridge, nftables masquerade) with a home namespace on
 * 10.N.0.0/24 behind it. Nothing is connected to the host's own interfaces: every interface is
 * created inside a namespace, and traffic never leaves them. Namespace names carry a prefix and
 * this JVM's pid; closing removes them (after killing whatever still runs in them), and creating
 * a bed first removes leftovers of earlier runs that died before they could clean up.
 */
final class NatTestBed implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(NatTestBed.class.getName());
    static final String PREFIX = "parleynat";
    /** The address the public namespace holds on its bridge: where a public seed listens. */
    static final String PUBLIC_ADDRESS = "198.51.100.2";
    private static final long COMMAND_SECONDS = 30;

    /** How a home's router maps its hosts' connections to its public address. */
    enum Nat {
        /** nftables {@code masquerade}: the source port is kept where it can be (one mapping per host port). */
        ENDPOINT_INDEPENDENT(""),
        /** nftables {@code masquerade fully-random}: every connection gets a random public port. */
        SYMMETRIC(" fully-random");

        private final String flags;

        Nat(String flags) {
            this.flags = flags;
        }
    }

    private final String run;
    private final List<String> namespaces = new ArrayList<>();
    private final Thread cleanupOnExit = new Thread(this::removeAll, "nat-test-bed-cleanup");
    /** The UPnP router's daemon, when the bed has one; removing its namespace kills it too. */
    private Process miniupnpd;

    private NatTestBed() {
        this.run = PREFIX + ProcessHandle.current().pid();
    }

    /**
     * Skips the calling test with a one-line reason when this machine cannot build namespaces
     * (not root, {@code ip} or {@code nft} missing); under CI ({@code CI=true}) fails instead, so
     * that the NAT tests never silently stop running there.
     */
    static void requireTools() {
        String missing = null;
        if (!"root".equals(System.getProperty("user.name"))) {
            missing = "NAT tests need root to build network namespaces";
        } else if (!onPath("ip")) {
            missing = "NAT tests need iproute2's ip command";
        } else if (!onPath("nft")) {
            missing = "NAT tests need nftables' nft command";
        }
        skipUnlessCi(missing);
    }

    /** Like {@link #requireTools}, and Debian's {@code miniupnpd} too, for the router that maps ports. */
    static void requireMiniupnpd() {
        requireTools();
        skipUnlessCi(onPath("miniupnpd") ? null : "the port mapping test needs miniupnpd (Debian: miniupnpd-nftables)");
    }

    private static void skipUnlessCi(String missing) {
        if (missing == null) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail(missing + " (CI=true: not skipped)");
        }
        Assumptions.abort(missing);
    }

    /** A public namespace and {@code homes} homes, each behind its own router doing {@code nat}. */
    static NatTestBed create(int homes, Nat nat) throws IOException, InterruptedException {
        requireTools();
        sweepLeftovers();
        NatTestBed bed = new NatTestBed();
        Runtime.getRuntime().addShutdownHook(bed.cleanupOnExit);
        try {
            bed.build(homes, nat);
        } catch (IOException | InterruptedException | RuntimeException e) {
            bed.close();
            throw e;
        }
        return bed;
    }

    /**
     * A public namespace and one home whose router runs miniupnpd (UPnP-IGD, and NAT-PMP/PCP when
     * {@code natPmp}), its configuration and log in {@code directory}. miniupnpd refuses to map
     * anything while its WAN address is in a reserved range, and every documentation range is one;
     * so this router's WAN takes {@link #UPNP_ROUTER_ADDRESS}, outside them, which exists only inside
     * these namespaces (nothing here is routed to or from the host).
     */
    static NatTestBed createWithUpnpRouter(Path directory, boolean natPmp) throws IOException, InterruptedException {
        requireMiniupnpd();
        sweepLeftovers();
        NatTestBed bed = new NatTestBed();
        Runtime.getRuntime().addShutdownHook(bed.cleanupOnExit);
        try {
            bed.buildUpnpHome(directory, natPmp);
        } catch (IOException | InterruptedException | RuntimeException e) {
            bed.close();
            throw e;
        }
        return bed;
    }

    /** The namespace of the public network, where a public seed runs. */
    String publicNamespace() {
        return run + "-pub";
    }

    /** The namespace of home {@code n} (from 1), behind its own router. */
    String home(int n) {
        return run + "-h" + n;
    }

    /** The public address of home {@code n}'s router: what peers on the public side see. */
    static String routerAddress(int n) {
        return "198.51.100." + (10 + n);
    }

    private void build(int homes, Nat nat) throws IOException, InterruptedException {
        String pub = publicNamespace();
        addNamespace(pub);
        ip("-n", pub, "link", "add", "br0", "type", "bridge");
        ip("-n", pub, "addr", "add", PUBLIC_ADDRESS + "/24", "dev", "br0");
        ip("-n", pub, "link", "set", "br0", "up");
        for (int n = 1; n <= homes; n++) {
            String router = run + "-r" + n;
            String home = home(n);
            addNamespace(router);
            addNamespace(home);
            ip("-n", router, "link", "add", "wan0", "type", "veth", "peer", "name", "r" + n + "wan", "netns", pub);
            ip("-n", pub, "link", "set", "r" + n + "wan", "master", "br0");
            ip("-n", pub, "link", "set", "r" + n + "wan", "up");
            ip("-n", router, "addr", "add", routerAddress(n) + "/24", "dev", "wan0");
            ip("-n", router, "link", "set", "wan0", "up");
            ip("-n", router, "link", "add", "lan0", "type", "veth", "peer", "name", "eth0", "netns", home);
            ip("-n", router, "addr", "add", "10." + n + ".0.1/24", "dev", "lan0");
            ip("-n", router, "link", "set", "lan0", "up");
            ip("-n", home, "addr", "add", "10." + n + ".0.2/24", "dev", "eth0");
            ip("-n", home, "link", "set", "eth0", "up");
            ip("-n", home, "route", "add", "default", "via", "10." + n + ".0.1");
            command("ip", "netns", "exec", router, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            Path rules = Files.createTempFile("parley-nat", ".nft");
            try {
                Files.writeString(rules, routerRules(nat), StandardCharsets.UTF_8);
                command("ip", "netns", "exec", router, "nft", "-f", rules.toString());
            } finally {
                Files.deleteIfExists(rules);
            }
        }
    }

    /** The UPnP router's public address: outside the ranges miniupnpd takes for private or reserved. */
    static final String UPNP_ROUTER_ADDRESS = "100.128.0.11";
    /** The nftables table holding the UPnP router's rules and the chains miniupnpd fills. */
    static final String UPNP_TABLE = "parley";

    /** The router namespace of home {@code n}. */
    String router(int n) {
        return run + "-r" + n;
    }

    private void buildUpnpHome(Path directory, boolean natPmp) throws IOException, InterruptedException {
        String pub = publicNamespace();
        addNamespace(pub);
        ip("-n", pub, "link", "add", "br0", "type", "bridge");
        ip("-n", pub, "addr", "add", PUBLIC_ADDRESS + "/24", "dev", "br0");
        ip("-n", pub, "link", "set", "br0", "up");
        ip("-n", pub, "route", "add", UPNP_ROUTER_ADDRESS + "/32", "dev", "br0");
        String router = router(1);
        String home = home(1);
        addNamespace(router);
        addNamespace(home);
        ip("-n", router, "link", "add", "wan0", "type", "veth", "peer", "name", "r1wan", "netns", pub);
        ip("-n", pub, "link", "set", "r1wan", "master", "br0");
        ip("-n", pub, "link", "set", "r1wan", "up");
        ip("-n", router, "addr", "add", UPNP_ROUTER_ADDRESS + "/32", "dev", "wan0");
        ip("-n", router, "link", "set", "wan0", "up");
        ip("-n", router, "route", "add", PUBLIC_ADDRESS.substring(0, PUBLIC_ADDRESS.lastIndexOf('.')) + ".0/24",
                "dev", "wan0");
        ip("-n", router, "link", "add", "lan0", "type", "veth", "peer", "name", "eth0", "netns", home);
        ip("-n", router, "addr", "add", "10.1.0.1/24", "dev", "lan0");
        ip("-n", router, "link", "set", "lan0", "up");
        ip("-n", home, "addr", "add", "10.1.0.2/24", "dev", "eth0");
        ip("-n", home, "link", "set", "eth0", "up");
        ip("-n", home, "route", "add", "default", "via", "10.1.0.1");
        command("ip", "netns", "exec", router, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        Path rules = directory.resolve("router.nft");
        Files.writeString(rules, upnpRouterRules(), StandardCharsets.UTF_8);
        command("ip", "netns", "exec", router, "nft", "-f", rules.toString());
        Path config = directory.resolve("miniupnpd.conf");
        Files.writeString(config, miniupnpdConfig(natPmp), StandardCharsets.UTF_8);
        Process daemon = new ProcessBuilder("ip", "netns", "exec", router, "miniupnpd", "-d", "-f", config.toString(),
                "-P", directory.resolve("miniupnpd.pid").toString())
                .redirectErrorStream(true).redirectOutput(directory.resolve("miniupnpd.log").toFile()).start();
        daemon.getOutputStream().close();
        miniupnpd = daemon;
        String log = "";
        for (int i = 0; i < 100 && !log.contains("Listening for NAT-PMP") && !log.contains("HTTP listening"); i++) {
            if (!daemon.isAlive()) {
                throw new IOException("miniupnpd exited: " + Files.readString(directory.resolve("miniupnpd.log")));
            }
            Thread.sleep(100);
            log = Files.readString(directory.resolve("miniupnpd.log"));
        }
    }

    /**
     * The router's rules: masquerade out of the WAN side and, from it, only what answers a
     * connection made from inside, unless miniupnpd's chains (filled as mappings are made) let it in.
     */
    private static String upnpRouterRules() {
        return """
                table inet %s {
                  chain forward {
                    type filter hook forward priority filter; policy accept;
                    iifname "wan0" ct state established,related accept
                    iifname "wan0" jump miniupnpd
                    iifname "wan0" drop
                  }
                  chain miniupnpd {
                  }
                  chain prerouting {
                    type nat hook prerouting priority dstnat; policy accept;
                    iifname "wan0" jump prerouting_miniupnpd
                  }
                  chain postrouting {
                    type nat hook postrouting priority srcnat; policy accept;
                    oifname "wan0" jump postrouting_miniupnpd
                    oifname "wan0" masquerade
                  }
                  chain prerouting_miniupnpd {
                  }
                  chain postrouting_miniupnpd {
                  }
                }
                """.formatted(UPNP_TABLE);
    }

    /** UPnP-IGD on the LAN side, mapping only for hosts of the home's own network, to ports above 1023. */
    private static String miniupnpdConfig(boolean natPmp) {
        return """
                ext_ifname=wan0
                listening_ip=lan0
                http_port=0
                enable_upnp=yes
                enable_natpmp=%s
                secure_mode=yes
                system_uptime=no
                uuid=3f4e5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7
                upnp_table_name=%s
                upnp_nat_table_name=%s
                upnp_forward_chain=miniupnpd
                upnp_nat_chain=prerouting_miniupnpd
                upnp_nat_postrouting_chain=postrouting_miniupnpd
                allow 1024-65535 10.1.0.0/24 1024-65535
                deny 0-65535 0.0.0.0/0 0-65535
                """.formatted(natPmp ? "yes" : "no", UPNP_TABLE, UPNP_TABLE);
    }

    /** The DNAT rules miniupnpd holds now: one line per port it forwards. */
    String upnpForwards() throws IOException, InterruptedException {
        return command("ip", "netns", "exec", router(1), "nft", "list", "chain", "inet", UPNP_TABLE,
                "prerouting_miniupnpd").lines().filter(line -> line.contains("dnat")).map(String::strip)
                .reduce((a, b) -> a + "\n" + b).orElse("");
    }

    /**
     * Masquerade out of the WAN side; from it, only what answers a connection made from inside,
     * whether forwarded or addressed to the router itself. Unsolicited packets are dropped in
     * silence, as most home routers do: were the router's own stack to answer a SYN on its public
     * port with a reset, the reset would also close the peer's half-open NAT mapping, and a hole
     * punch would need both SYNs to cross within a millisecond.
     */
    private static String routerRules(Nat nat) {
        return """
                table ip nat {
                  chain postrouting {
                    type nat hook postrouting priority srcnat; policy accept;
                    oifname "wan0" masquerade%s
                  }
                }
                table ip filter {
                  chain input {
                    type filter hook input priority filter; policy accept;
                    iifname "wan0" ct state established,related accept
                    iifname "wan0" drop
                  }
                  chain forward {
                    type filter hook forward priority filter; policy accept;
                    iifname "wan0" ct state established,related accept
                    iifname "wan0" drop
                  }
                }
                """.formatted(nat.flags);
    }

    /** Destroys the TCP sockets in {@code namespace} connected to {@code host} (as {@code ss -K} does). */
    static void killConnections(String namespace, String host) throws IOException, InterruptedException {
        command("ip", "netns", "exec", namespace, "ss", "-K", "dst", host);
    }

    private void addNamespace(String name) throws IOException, InterruptedException {
        ip("netns", "add", name);
        namespaces.add(name);
        ip("-n", name, "link", "set", "lo", "up");
    }

    @Override
    public void close() {
        removeAll();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException exiting) {
            // The hook is running or has run: nothing left to remove.
        }
    }

    private synchronized void removeAll() {
        if (miniupnpd != null) {
            miniupnpd.destroy();
        }
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            remove(namespaces.get(i));
        }
        namespaces.clear();
    }

    /** Removes namespaces of earlier runs (this prefix, a pid no longer alive). */
    private static void sweepLeftovers() throws IOException, InterruptedException {
        for (String line : command("ip", "netns", "list").lines().toList()) {
            String name = line.split(" ")[0];
            if (!name.startsWith(PREFIX)) {
                continue;
            }
            String pid = name.substring(PREFIX.length()).split("-")[0];
            boolean alive = pid.matches("[0-9]+")
                    && ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
            if (!alive) {
                LOG.warning("removing namespace " + name + " left by an earlier run");
                remove(name);
            }
        }
    }

    /** Kills what still runs in the namespace (only the test's own daemons run there), then deletes it. */
    private static void remove(String name) {
        try {
            for (String pid : command("ip", "netns", "pids", name).lines().toList()) {
                ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
            }
            command("ip", "netns", "del", name);
        } catch (IOException | InterruptedException | RuntimeException e) {
            LOG.warning("could not remove namespace " + name + ": " + e.getMessage());
        }
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("ip");
        command.addAll(List.of(args));
        command(command.toArray(String[]::new));
    }

    /** Runs a command to completion; its output, or an exception saying what it printed. */
    private static String command(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output.strip());
        }
        return output;
    }

    private static boolean onPath(String tool) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, tool))) {
                return true;
            }
        }
        return false;
    }
}

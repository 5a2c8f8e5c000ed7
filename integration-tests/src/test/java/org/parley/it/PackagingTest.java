package org.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.ApiException;
import org.parley.api.IdentityView;
import org.parley.control.ControlClient;
import org.parley.store.ProfileHome;

/**
 * The systemd unit and the container image name command lines: these tests take them from the
 * files as written and run them, with the launcher, to a daemon that answers. (No container
 * engine runs here; the image's layout is rebuilt by hand from its COPY lines instead.)
 */
class PackagingTest {
    private static final Path ROOT = Paths.get(System.getProperty("parley.root")).toAbsolutePath().normalize();
    private static final String PASSPHRASE = "packaging passphrase";

    @TempDir
    Path work;

    @Test
    void theSystemdUnitsCommandStartsADaemonOnTheXdgHome() throws Exception {
        List<String> unit = Files.readAllLines(ROOT.resolve("packaging/systemd/parley.service"));
        String execStart = unit.stream().filter(line -> line.startsWith("ExecStart=")).findFirst().orElseThrow()
                .substring("ExecStart=".length());
        assertTrue(unit.contains("[Install]") && unit.contains("WantedBy=default.target"), "a user service");
        Path user = Files.createDirectory(work.resolve("user"));
        List<String> command = new ArrayList<>(Arrays.asList(execStart.replace("%h", user.toString()).split("\\s+")));
        assertEquals(user.resolve("parley/parley").toString(), command.get(0), "the launcher in a checkout at ~/parley");

        // As the README has the user prepare it: an identity in the default home, the passphrase in a file.
        Launcher parley = new Launcher(work).withEnv("HOME", user.toString()).withoutEnv("PARLEY_HOME")
                .withoutEnv("XDG_DATA_HOME").withoutEnv("XDG_CONFIG_HOME").withEnv("PARLEY_PASSPHRASE", PASSPHRASE);
        assertEquals(0, parley.run("init", "--name", "server").exitCode());
        Path home = user.resolve(".local/share/parley");
        assertTrue(Files.exists(new ProfileHome(home).keystore()), "init used the XDG data home");
        Path config = Files.createDirectories(user.resolve(".config/parley"));
        Files.writeString(config.resolve("passphrase"), PASSPHRASE + "\n");
        int port = Launcher.freePort();
        Files.writeString(config.resolve("parley.conf"), "listen = 127.0.0.1:" + port + "\n");

        List<String> args = command.subList(1, command.size());
        Process daemon = parley.withoutEnv("PARLEY_PASSPHRASE").start("unit", args.toArray(String[]::new));
        try {
            IdentityView identity = awaitControlApi(daemon, home);
            assertEquals("server", identity.name());
            assertTrue(Files.readString(work.resolve("unit.out")).contains("listening on 127.0.0.1:" + port),
                    "the port came from the XDG config file");
        } finally {
            stop(daemon);
        }
    }

    @Test
    void theContainerImagesCommandStartsADaemonFromTheImagesLayout() throws Exception {
        List<String> lines = Files.readAllLines(ROOT.resolve("packaging/container/Containerfile"));
        JsonArray entrypoint = jsonInstruction(lines, "ENTRYPOINT");
        JsonArray cmd = jsonInstruction(lines, "CMD");
        assertEquals("/opt/parley/parley", entrypoint.get(0).getAsString());
        String exposed = lines.stream().filter(line -> line.startsWith("EXPOSE ")).findFirst().orElseThrow()
                .substring("EXPOSE ".length()).strip();
        // Every file the image copies from the checkout exists there.
        for (String line : lines) {
            if (line.startsWith("COPY ") && !line.startsWith("COPY --from")) {
                String[] words = line.substring(5).strip().split("\\s+");
                for (String source : Arrays.copyOf(words, words.length - 1)) {
                    assertTrue(Files.exists(ROOT.resolve(source)), "COPY " + source);
                }
            }
        }
        assertTrue(lines.contains("COPY --from=build /src/tui/target/parley.jar /opt/parley/tui/target/parley.jar"));

        // The image's /opt/parley: the launcher and the jar, no sources, no Maven.
        Launcher checkout = new Launcher(work).withEnv("PARLEY_PASSPHRASE", PASSPHRASE).withoutEnv("PARLEY_HOME");
        assertEquals(0, checkout.run("--version").exitCode(), "the checkout's jar is built");
        Path opt = Files.createDirectories(work.resolve("opt/parley/tui/target")).getParent().getParent();
        Files.copy(ROOT.resolve("parley"), opt.resolve("parley"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(ROOT.resolve("tui/target/parley.jar"), opt.resolve("tui/target/parley.jar"));
        Path data = Files.createDirectory(work.resolve("data"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path secret = Files.writeString(work.resolve("parley-passphrase"), PASSPHRASE + "\n");
        int port = Launcher.freePort();

        Process init = image(opt, List.of("init", "--home", "/data", "--name", "seed"), data, secret, port,
                "init", Map.of("PARLEY_PASSPHRASE", PASSPHRASE));
        assertTrue(init.waitFor(3, TimeUnit.MINUTES));
        assertEquals(0, init.exitValue(), Files.readString(work.resolve("init.err")));

        List<String> command = new ArrayList<>();
        cmd.forEach(element -> command.add(element.getAsString()));
        assertTrue(command.contains("0.0.0.0:" + exposed), "the node listens on the port the image exposes");
        Process daemon = image(opt, command, data, secret, port, "image", Map.of());
        try {
            assertEquals("seed", awaitControlApi(daemon, data).name());
            assertTrue(Files.readString(work.resolve("image.err")).isEmpty(), "the launcher did not try to build");
        } finally {
            stop(daemon);
        }
    }

    /**
     * Runs the image's launcher with {@code args} as the container would, its paths mapped into
     * this test's directory, and its port (which may be taken here) replaced by a free one.
     */
    private Process image(Path opt, List<String> args, Path data, Path secret, int port, String name,
                          Map<String, String> environment) throws Exception {
        List<String> command = new ArrayList<>(List.of(opt.resolve("parley").toString()));
        for (String arg : args) {
            command.add(arg.replace("/data", data.toString())
                    .replace("/run/secrets/parley-passphrase", secret.toString())
                    .replace("0.0.0.0:7450", "127.0.0.1:" + port));
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(work.resolve(name + ".out").toFile()).redirectError(work.resolve(name + ".err").toFile());
        builder.environment().remove("PARLEY_PASSPHRASE");
        builder.environment().remove("PARLEY_HOME");
        // No Maven on the image's path: a launcher that wanted to build would fail loudly.
        builder.environment().put("PATH", Paths.get(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin");
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static JsonArray jsonInstruction(List<String> lines, String instruction) {
        String line = lines.stream().filter(l -> l.startsWith(instruction + " ")).findFirst().orElseThrow();
        return JsonParser.parseString(line.substring(instruction.length() + 1)).getAsJsonArray();
    }

    private static IdentityView awaitControlApi(Process daemon, Path home) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            assertTrue(daemon.isAlive(), "the daemon exited with " + (daemon.isAlive() ? 0 : daemon.exitValue()));
            try (ControlClient client = ControlClient.connect(new ProfileHome(home)).orElse(null)) {
                if (client != null) {
                    return client.identity();
                }
            } catch (ApiException notYet) {
                // starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the daemon did not start");
    }

    private static void stop(Process daemon) throws InterruptedException {
        daemon.destroy();
        if (!daemon.waitFor(Daemons.STOP.toSeconds(), TimeUnit.SECONDS)) {
            daemon.destroyForcibly();
        }
    }
}

package org.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.MessageView;
import org.parley.control.ControlClient;

/**
 * The example echo bot (Node.js, stock gRPC, examples/echo-bot) against a real daemon started
 * through the launcher: a peer writes to the bot's node, the bot answers through the control
 * socket, and the peer gets the answer. Without node outside CI it skips with the reason; under
 * CI ({@code CI=true}) it fails instead, so CI never passes without running it.
 */
class EchoBotTest {
    @TempDir
    Path work;

    @Test
    void theNodeBotAnswersAPeersMessageThroughTheControlSocket() throws Exception {
        Path bot = Paths.get(System.getProperty("parley.root"), "examples", "echo-bot").toAbsolutePath().normalize();
        requireNode(bot);
        try (Profiles profiles = new Profiles(work)) {
            String botId = profiles.init("bot");
            String aliceId = profiles.init("alice");
            int botPort = Launcher.freePort();
            profiles.startDaemon("bot", botPort);
            profiles.startDaemon("alice", Launcher.freePort(), "127.0.0.1:" + botPort);
            profiles.awaitLinked("alice", botId);

            Path output = work.resolve("echo-bot.out");
            Process echo = new ProcessBuilder("node", bot.resolve("echo-bot.js").toString(),
                    "--home", profiles.home("bot").toString())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            try {
                Profiles.await(() -> Files.exists(output) && Files.readString(output).contains("watching "),
                        "the bot watches its node");
                try (ControlClient alice = profiles.client("alice")) {
                    alice.send(botId, "ping from alice");
                }
                Profiles.await(() -> answers(profiles, botId).contains("echo: ping from alice"),
                        "alice has the bot's answer");
                assertEquals(List.of("echo: ping from alice"), answers(profiles, botId));
            } finally {
                echo.destroy();
                if (!echo.waitFor(10, TimeUnit.SECONDS)) {
                    echo.destroyForcibly();
                }
            }
            String log = Files.readString(output);
            Assertions.assertTrue(log.contains("answered " + aliceId), log);
        }
    }

    private static List<String> answers(Profiles profiles, String botId) throws Exception {
        try (ControlClient alice = profiles.client("alice")) {
            return alice.history(botId, 50, Optional.empty()).stream()
                    .filter(message -> message.direction().equals("in")).map(MessageView::text).toList();
        }
    }

    /** Node and the example's packages, installed from package.json when missing; else skip (fail in CI). */
    private static void requireNode(Path bot) throws Exception {
        String missing = null;
        if (!runs(bot, "node", "--version")) {
            missing = "node is not installed";
        } else if (!Files.isDirectory(bot.resolve("node_modules/@grpc/grpc-js"))
                && !runs(bot, "npm", "install", "--no-audit", "--no-fund")) {
            missing = "npm could not install the echo bot's packages";
        }
        if (missing == null) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail(missing + " (CI=true: not skipped)");
        }
        Assumptions.abort(missing + ": the echo bot test needs Node.js and npm");
    }

    private static boolean runs(Path directory, String... command) throws InterruptedException {
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}

package org.parley.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.ApiException;
import org.parley.api.EventView;
import org.parley.api.GroupMessageView;
import org.parley.api.GroupView;
import org.parley.api.MessageView;
import org.parley.api.ParleyApi;
import org.parley.control.ControlClient;
import org.parley.testing.Eventually;

/**
 * Files through the control socket of a real node and a second real node: a file posted to a
 * group reaches the member, who fetches it, with its {@code file} in group history and in the
 * watch events ({@code group} and {@code file}, progress until complete); a stranger's offer is
 * fetched once the stranger is added; bad arguments are refused.
 */
class ControlFilesTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path directory;

    private MemoryNodes nodes;

    @BeforeEach
    void nodesInTheDirectory() {
        nodes = new MemoryNodes(directory);
    }

    @Test
    void aGroupFileAndAnAcceptedStrangersFileArriveWithTheirEvents() throws Exception {
        byte[] content = new byte[3 * 256 * 1024 + 1000];
        RANDOM.nextBytes(content);
        Path slides = Files.write(directory.resolve("slides.pdf"), content);
        try (AliceAndBob pair = new AliceAndBob(nodes)) {
            String aliceId = pair.aliceId;
            String bobId = pair.bobId;
            ParleyNode bobNode = pair.bobNode;
            ControlClient client = pair.client;
            List<EventView> atBob = new CopyOnWriteArrayList<>();
            ParleyApi.Subscription watching = bobNode.api().watch(atBob::add);
            client.addContact(bobId, "bob");
            GroupView club = client.createGroup("club");
            client.inviteToGroup(club.groupId(), bobId, false);
            Eventually.await(() -> bobNode.api().groups().stream().anyMatch(g -> g.groupId().equals(club.groupId())),
                    "the invitation");
            bobNode.api().joinGroup(club.groupId());

            GroupMessageView posted = client.sendFileToGroup(club.groupId(), slides.toString());
            assertEquals("offered", posted.file().state());
            assertEquals("slides.pdf", posted.file().name());
            Eventually.await(() -> bobNode.api().groupHistory(club.groupId(), 10).stream()
                    .anyMatch(m -> m.entryId().equals(posted.entryId()) && m.file() != null
                            && "complete".equals(m.file().state())), "bob fetched the group's file");
            GroupMessageView received = bobNode.api().groupHistory(club.groupId(), 10).stream()
                    .filter(m -> m.entryId().equals(posted.entryId())).findFirst().orElseThrow();
            assertArrayEquals(content, Files.readAllBytes(Path.of(received.file().path())));

            EventView post = atBob.stream().filter(e -> EventView.GROUP.equals(e.type())
                    && e.groupMessage().entryId().equals(posted.entryId())).findFirst().orElseThrow();
            assertNotNull(post.groupMessage().file(), "the live group event carries the file");
            List<EventView> files = atBob.stream().filter(e -> EventView.FILE.equals(e.type())
                    && posted.entryId().equals(e.file().messageId())).toList();
            assertEquals(club.groupId(), files.get(0).file().groupId());
            assertEquals(aliceId, files.get(0).file().peerId());
            assertEquals("complete", files.get(files.size() - 1).file().file().state());
            assertTrue(files.size() >= 3, "offered, progress, complete: " + files.size());

            // Bob is no contact of alice's yet: his offer waits until she adds him.
            client.removeContact(bobId);
            MessageView offer = bobNode.api().sendFile(aliceId, slides.toString());
            Eventually.await(() -> client.messageRequests(10).stream().anyMatch(m -> m.id().equals(offer.id())
                    && m.file() != null && "offered".equals(m.file().state())), "the request with its offer");
            client.addContact(bobId, "bob");
            Eventually.await(() -> client.history(bobId, 10, Optional.empty()).stream().anyMatch(
                    m -> m.id().equals(offer.id()) && "complete".equals(m.file().state())), "fetched once accepted");

            ApiException relative = assertThrows(ApiException.class,
                    () -> client.sendFileToGroup(club.groupId(), "slides.pdf"));
            assertEquals(ApiException.Kind.INVALID_ARGUMENT, relative.kind());
            ApiException badGroup = assertThrows(ApiException.class,
                    () -> client.sendFileToGroup("zz", slides.toString()));
            assertEquals(ApiException.Kind.INVALID_ARGUMENT, badGroup.kind());
            ApiException unknown = assertThrows(ApiException.class,
                    () -> client.sendFileToGroup("00".repeat(16), slides.toString()));
            assertEquals(ApiException.Kind.NOT_FOUND, unknown.kind());
            watching.close();
        }
    }
}

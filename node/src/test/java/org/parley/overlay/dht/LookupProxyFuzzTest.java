package org.parley.overlay.dht;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.parley.identity.Identity;
import org.parley.link.Direction;
import org.parley.link.FuzzedFrames;
import org.parley.link.LinkPath;
import org.parley.link.PeerInfo;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.LookupProxyFrame;
import org.parley.proto.wire.v1.ProxiedAnswer;
import org.parley.proto.wire.v1.ProxiedQuestion;

/**
 * A stream of arbitrary proxied-lookup frames from one neighbour, to a node that is both hops for
 * others: nothing escapes, and once the stream ends an honest neighbour's question is answered.
 */
class LookupProxyFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void hostileProxiedLookupFramesNeverBreakTheProxy(byte[] input) {
        DhtFixture node = new DhtFixture(DhtConfig.defaults());
        DhtService dht = new DhtService(node.self.peerId(), node.links, node.loop, node.loop, node.config,
                node.discovery);
        node.links.addLayer(node.discovery);
        node.links.addLayer(dht);
        node.links.addLayer(new LookupProxy(node.self, node.links, dht, node.loop, node.loop, DhtFixture.RANDOM));
        dht.start(Duration.ofHours(1));
        Identity mallory = Identity.generate("mallory", DhtFixture.RANDOM);
        Identity honest = Identity.generate("honest", DhtFixture.RANDOM);
        for (Identity peer : List.of(mallory, honest)) {
            node.links.open(new PeerInfo(peer.peerId(), "embedded", Direction.OUTBOUND, 0, "embedded",
                    LinkPath.DIRECT, Optional.empty(), Set.of(), false, true));
        }

        for (LookupProxyFrame message : FuzzedFrames.split(input, LookupProxyFrame.parser())) {
            node.links.inject(mallory.peerId(), Frame.newBuilder().setLookupProxy(message).build());
            node.loop.advance(Duration.ofMillis(100));
        }
        node.loop.advance(Duration.ofMinutes(2));

        LookupBox.Sealed sealed = LookupBox.seal(node.self.peerId(), mallory.peerId(), false, node.loop.nowMillis(),
                DhtFixture.RANDOM);
        node.links.takeSent(honest.peerId());
        node.links.inject(honest.peerId(), Frame.newBuilder().setLookupProxy(LookupProxyFrame.newBuilder()
                .setRequestId(9).setQuestion(ProxiedQuestion.newBuilder()
                        .setEphemeral(ByteString.copyFrom(sealed.ephemeral()))
                        .setSealed(ByteString.copyFrom(sealed.box())))).build());
        node.loop.advance(Duration.ofMinutes(1));
        List<Frame> answers = node.links.takeSent(honest.peerId()).stream().filter(Frame::hasLookupProxy).toList();
        assertEquals(1, answers.size(), "an honest question is answered");
        assertEquals(ProxiedAnswer.Outcome.ANSWERED, answers.get(0).getLookupProxy().getAnswer().getOutcome());
    }
}

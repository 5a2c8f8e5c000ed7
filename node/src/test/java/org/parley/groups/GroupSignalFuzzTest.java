package org.parley.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.util.Map;
import org.parley.identity.PeerId;
import org.parley.link.FuzzedFrames;

/**
 * Arbitrary group signals (invitations, membership operations, sender-key grants, acknowledgements,
 * heads and back-fill) from a member without admin rights to the admin: nothing escapes, and
 * without the signatures nobody's membership changes and no message appears.
 */
class GroupSignalFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void hostileSignalsFromAMemberChangeNothing(byte[] input) {
        GroupFuzzFixture group = GroupFuzzFixture.shared();
        Map<PeerId, Boolean> members = group.aliceSeesMembers();
        int history = group.aliceHistorySize();

        for (byte[] signal : FuzzedFrames.pieces(input)) {
            group.alice.groups.groupSignalReceived(group.bob.id(), signal);
            group.loop.advance(Duration.ofMillis(100));
        }
        group.loop.advance(Groups.RESEND_AFTER);

        assertEquals(members, group.aliceSeesMembers(), "membership as it was");
        assertEquals(history, group.aliceHistorySize(), "no message appeared");
    }
}

package org.parley.groups;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.link.Neighbours;
import org.parley.proto.wire.v1.GroupAck;
import org.parley.proto.wire.v1.GroupSignal;

/**
 * The door for group control from other members (over the pairwise sessions): parses it, hands
 * each kind to the part that handles it, and scores the sender down for what no honest member
 * sends (a message that does not parse, a type we do not know, anything its handler refuses).
 * Confined to the node's loop.
 */
final class SignalIntake {
    private static final Logger LOG = Logger.getLogger(SignalIntake.class.getName());

    private final Neighbours neighbours;
    private final MembershipChanges membership;
    private final SenderKeyDistribution keys;
    private final Backfill backfill;
    private final SignalOutbox outbox;
    private final GroupTyping typing;
    private final GroupReadMarks readMarks;

    SignalIntake(Neighbours neighbours, MembershipChanges membership, SenderKeyDistribution keys, Backfill backfill,
                  SignalOutbox outbox, GroupTyping typing, GroupReadMarks readMarks) {
        this.neighbours = neighbours;
        this.membership = membership;
        this.keys = keys;
        this.backfill = backfill;
        this.outbox = outbox;
        this.typing = typing;
        this.readMarks = readMarks;
    }

    /** {@code relayed}: a mailbox replica carried it. */
    void receive(PeerId sender, byte[] bytes, boolean relayed) {
        GroupSignal control;
        try {
            control = GroupSignal.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            neighbours.penalize(sender, Misbehaviour.MALFORMED, "malformed group control");
            return;
        }
        ByteString signalId = control.getSignalId();
        try {
            switch (control.getBodyCase()) {
                case INVITE -> membership.receiveInvite(sender, signalId, control.getInvite());
                case OPS -> membership.receiveOps(sender, signalId, control.getOps().getOpsList());
                case SENDER_KEY -> keys.receiveGrant(sender, signalId, control.getSenderKey());
                case ACK -> receiveAck(sender, control.getAck());
                case HEADS -> backfill.receiveHeads(sender, control.getHeads());
                case BACKFILL_REQUEST -> backfill.answer(sender, control.getBackfillRequest());
                case BACKFILL -> backfill.receive(sender, control.getBackfill());
                case TYPING -> typing.heard(sender, control.getTyping(), relayed);
                case READ_MARK -> readMarks.heard(sender, control.getReadMark());
                default -> throw new GroupException(Misbehaviour.MALFORMED, "group control of unknown type");
            }
        } catch (GroupException e) {
            LOG.fine(() -> "refused group control from " + sender.shortForm() + ": " + e.getMessage());
            neighbours.penalize(sender, e.rejection(), "group control");
        }
    }

    private void receiveAck(PeerId sender, GroupAck ack) throws GroupException {
        if (ack.getSignalIdsCount() > Groups.MAX_IDS) {
            throw new GroupException(Misbehaviour.TOO_LARGE, "too many acknowledgements");
        }
        outbox.acknowledged(sender, ack.getSignalIdsList());
    }
}

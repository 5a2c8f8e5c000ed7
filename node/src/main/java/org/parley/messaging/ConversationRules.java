package org.parley.messaging;

import java.util.Optional;
import org.parley.identity.PeerId;
import org.parley.store.ConversationRows;

/**
 * Who may change which message, and which change wins. Pure: the facts come from storage, the
 * verdict goes back to it.
 *
 * <ul>
 *   <li>Anyone in the conversation may react, once per person: a later reaction replaces theirs.
 *   <li>Only a message's author may edit or delete it; the actor is the session's authenticated
 *       sender, never a field a peer fills in.
 *   <li>A deleted message takes no further edit or reaction; a deletion cannot be undone.
 *   <li>Of two edits (or two reactions by one person), the later by order wins, whatever order
 *       they arrive in; one that is not later (a replay, or one overtaken) changes nothing.
 *   <li>An action on a message this side does not hold changes nothing.
 * </ul>
 */
public final class ConversationRules {
    public enum Verdict {
        APPLY, STALE, UNKNOWN_TARGET, NOT_AUTHOR, DELETED;

        /** Whether the peer that sent the action did something no honest client does. */
        public boolean misbehaved() {
            return this == NOT_AUTHOR;
        }
    }

    private ConversationRules() {
    }

    /**
     * @param author the target's author, empty when this side does not hold the target
     * @param change the target's newest edit or its deletion, if any
     * @param ownReaction the actor's current reaction to the target, if any
     */
    public static Verdict judge(ConversationAction action, PeerId actor, Optional<PeerId> author,
                                Optional<ConversationRows.Change> change,
                                Optional<ConversationRows.Reaction> ownReaction) {
        if (author.isEmpty()) {
            return Verdict.UNKNOWN_TARGET;
        }
        if (action.kind() != ConversationAction.Kind.REACTION && !actor.equals(author.get())) {
            return Verdict.NOT_AUTHOR;
        }
        if (change.isPresent() && change.get().deleted()) {
            return Verdict.DELETED;
        }
        return switch (action.kind()) {
            case REACTION -> ownReaction.isPresent()
                    && !action.isAfter(ownReaction.get().order(), ownReaction.get().reactionId())
                    ? Verdict.STALE : Verdict.APPLY;
            case EDIT -> change.isPresent() && !action.isAfter(change.get().order(), change.get().changeId())
                    ? Verdict.STALE : Verdict.APPLY;
            case DELETION -> Verdict.APPLY;
        };
    }
}

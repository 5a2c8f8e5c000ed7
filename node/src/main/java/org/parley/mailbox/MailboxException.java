package org.parley.mailbox;

import org.parley.link.Misbehaviour;

/** Why a mailbox request or answer is refused, with the misbehaviour its sender is scored for. */
final class MailboxException extends Exception {
    private final Misbehaviour reason;

    MailboxException(Misbehaviour reason, String message) {
        super(message);
        this.reason = reason;
    }

    Misbehaviour reason() {
        return reason;
    }
}

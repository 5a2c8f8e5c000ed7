package org.parley.store;

import java.util.List;

/** Every migration, in order. The schema version is SQLite's {@code PRAGMA user_version}. */
final class Schema {
    static final List<Migration> MIGRATIONS = List.of(
            new Migration(1,
                    // Neighbours worth redialing after a restart.
                    """
                    CREATE TABLE known_peers (
                        peer_id      TEXT PRIMARY KEY,
                        address      TEXT NOT NULL,
                        last_seen_ms INTEGER NOT NULL
                    )""",
                    "CREATE INDEX known_peers_by_last_seen ON known_peers (last_seen_ms DESC)",
                    """
                    CREATE TABLE settings (
                        key   TEXT PRIMARY KEY,
                        value BLOB NOT NULL
                    )"""),
            new Migration(2,
                    """
                    CREATE TABLE contacts (
                        peer_id  TEXT PRIMARY KEY,
                        name     TEXT NOT NULL,
                        status   TEXT NOT NULL CHECK (status IN ('contact', 'blocked')),
                        added_ms INTEGER NOT NULL
                    )""",
                    // Bodies are sealed with the content key: only metadata is in the clear.
                    """
                    CREATE TABLE messages (
                        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
                        id          BLOB NOT NULL UNIQUE,
                        peer_id     TEXT NOT NULL,
                        direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')),
                        body        BLOB NOT NULL,
                        sent_ms     INTEGER NOT NULL,
                        received_ms INTEGER,
                        state       TEXT NOT NULL,
                        reason      TEXT,
                        request     INTEGER NOT NULL DEFAULT 0
                    )""",
                    "CREATE INDEX messages_by_peer ON messages (peer_id, sent_ms, seq)",
                    // Outgoing messages not yet confirmed, with their envelope once encrypted.
                    """
                    CREATE TABLE outbox (
                        message_id BLOB PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
                        peer_id    TEXT NOT NULL,
                        envelope   BLOB,
                        expires_ms INTEGER NOT NULL
                    )""",
                    // Envelopes already taken in, so that a replay never reaches a ratchet.
                    """
                    CREATE TABLE seen_envelopes (
                        id         BLOB PRIMARY KEY,
                        sender     TEXT NOT NULL,
                        message_id BLOB,
                        expires_ms INTEGER NOT NULL
                    )""",
                    """
                    CREATE TABLE sessions (
                        peer_id    TEXT NOT NULL,
                        session_id BLOB NOT NULL,
                        record     BLOB NOT NULL,
                        active     INTEGER NOT NULL,
                        PRIMARY KEY (peer_id, session_id)
                    )""",
                    """
                    CREATE TABLE peer_bundles (
                        peer_id TEXT PRIMARY KEY,
                        bundle  BLOB NOT NULL
                    )""",
                    """
                    CREATE TABLE own_prekeys (
                        id          INTEGER PRIMARY KEY,
                        private_key BLOB NOT NULL,
                        created_ms  INTEGER NOT NULL
                    )""",
                    """
                    CREATE TABLE peer_counters (
                        peer_id TEXT NOT NULL,
                        kind    TEXT NOT NULL,
                        count   INTEGER NOT NULL,
                        PRIMARY KEY (peer_id, kind)
                    )"""),
            new Migration(3,
                    // Sender side: how many mailbox replicas confirmed holding a relayed message.
                    "ALTER TABLE messages ADD COLUMN replicas INTEGER NOT NULL DEFAULT 0",
                    // Replica side: signed envelopes held for recipients who are away. Their
                    // payloads are end-to-end encrypted; the header is what a replica knows.
                    """
                    CREATE TABLE held_mail (
                        id         BLOB PRIMARY KEY,
                        seq        INTEGER NOT NULL,
                        recipient  TEXT NOT NULL,
                        sender     TEXT NOT NULL,
                        expires_ms INTEGER NOT NULL,
                        envelope   BLOB NOT NULL
                    )""",
                    "CREATE INDEX held_mail_by_recipient ON held_mail (recipient, seq)"),
            // Group channels.
            new Migration(4,
                    // Names are sealed; the status says whether we were invited, joined or are out.
                    """
                    CREATE TABLE groups (
                        group_id   BLOB PRIMARY KEY,
                        name       BLOB NOT NULL,
                        status     TEXT NOT NULL CHECK (status IN ('invited', 'joined', 'left', 'removed')),
                        invited_by TEXT,
                        created_ms INTEGER NOT NULL
                    )""",
                    // Signed membership operations as received: the member list is derived from them.
                    """
                    CREATE TABLE group_ops (
                        op_id    BLOB PRIMARY KEY,
                        group_id BLOB NOT NULL REFERENCES groups (group_id) ON DELETE CASCADE,
                        op       BLOB NOT NULL
                    )""",
                    // Sender keys (ours with its signing seed), sealed: chain keys never in the clear.
                    """
                    CREATE TABLE group_keys (
                        group_id BLOB NOT NULL REFERENCES groups (group_id) ON DELETE CASCADE,
                        key_id   BLOB NOT NULL,
                        owner    TEXT NOT NULL,
                        state    BLOB NOT NULL,
                        PRIMARY KEY (group_id, key_id)
                    )""",
                    // The group log: each post as it travelled (ciphertext), its order key, its
                    // hash links, and the text sealed with the content key.
                    """
                    CREATE TABLE group_log (
                        entry_id    BLOB PRIMARY KEY,
                        group_id    BLOB NOT NULL REFERENCES groups (group_id) ON DELETE CASCADE,
                        message_id  BLOB NOT NULL,
                        sender      TEXT NOT NULL,
                        lamport     INTEGER NOT NULL,
                        parents     BLOB NOT NULL,
                        post        BLOB NOT NULL,
                        body        BLOB NOT NULL,
                        sent_ms     INTEGER NOT NULL,
                        received_ms INTEGER NOT NULL
                    )""",
                    "CREATE INDEX group_log_order ON group_log (group_id, lamport, entry_id)",
                    // Control messages a member has not acknowledged yet (sealed).
                    """
                    CREATE TABLE group_outbox (
                        control_id BLOB PRIMARY KEY,
                        peer_id    TEXT NOT NULL,
                        payload    BLOB NOT NULL,
                        created_ms INTEGER NOT NULL
                    )"""),
            new Migration(5,
                    // Relay contacts: 'for_us' peers hold our mail (accepted by us, named in our
                    // record); 'for_them' we offered to hold the peer's mail (accepted: it said yes).
                    """
                    CREATE TABLE mail_relays (
                        peer_id  TEXT NOT NULL,
                        role     TEXT NOT NULL CHECK (role IN ('for_us', 'for_them')),
                        accepted INTEGER NOT NULL,
                        PRIMARY KEY (peer_id, role)
                    )"""),
            new Migration(6,
                    // Replica side of group channels: posts held per topic for members who are
                    // away, as they travelled (signed ciphertext under the sender key); the topic
                    // and the depositing peer are what a replica knows. The cursor orders them.
                    """
                    CREATE TABLE held_group_posts (
                        id         BLOB PRIMARY KEY,
                        cursor     INTEGER NOT NULL,
                        topic      TEXT NOT NULL,
                        depositor  TEXT NOT NULL,
                        expires_ms INTEGER NOT NULL,
                        post       BLOB NOT NULL
                    )""",
                    "CREATE INDEX held_group_posts_by_topic ON held_group_posts (topic, cursor)"),
            new Migration(7,
                    // Sealed values are bound to their table, row, peer and direction (SealedPlaces).
                    // A profile with rows from before must have them bound once its key is known
                    // (0); a new one has nothing to bind (1).
                    """
                    INSERT INTO settings (key, value) VALUES ('sealed-places',
                        CASE WHEN EXISTS (SELECT 1 FROM messages) OR EXISTS (SELECT 1 FROM contacts)
                                  OR EXISTS (SELECT 1 FROM group_ops) OR EXISTS (SELECT 1 FROM group_log)
                             THEN x'00' ELSE x'01' END)
                    ON CONFLICT (key) DO NOTHING"""),
            new Migration(8,
                    // Conversation features (ConversationRows). IF NOT EXISTS: a profile rewound to an
                    // older version (as tests of upgrades do) runs this again. A conversation is 'dm:' + peer ID or
                    // 'group:' + group ID in hex; a target is a message ID or a group entry ID.
                    // Which message a message replies to.
                    """
                    CREATE TABLE IF NOT EXISTS conversation_replies (
                        conversation TEXT NOT NULL,
                        message      BLOB NOT NULL,
                        reply_to     BLOB NOT NULL,
                        PRIMARY KEY (conversation, message)
                    )""",
                    // The newest edit of a message (its text sealed), or that it was deleted.
                    """
                    CREATE TABLE IF NOT EXISTS conversation_changes (
                        conversation TEXT NOT NULL,
                        target       BLOB NOT NULL,
                        edited_body  BLOB,
                        change_order INTEGER NOT NULL,
                        change_id    BLOB NOT NULL,
                        deleted      INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (conversation, target)
                    )""",
                    // Each person's one reaction to a message (sealed; empty once taken back).
                    """
                    CREATE TABLE IF NOT EXISTS conversation_reactions (
                        conversation   TEXT NOT NULL,
                        target         BLOB NOT NULL,
                        reactor        TEXT NOT NULL,
                        emoji          BLOB NOT NULL,
                        reaction_order INTEGER NOT NULL,
                        reaction_id    BLOB NOT NULL,
                        PRIMARY KEY (conversation, target, reactor)
                    )""",
                    // Group log entries that carry a reaction, edit or deletion rather than a
                    // message: kept in the log (others name them as parents) but not in history.
                    """
                    CREATE TABLE IF NOT EXISTS group_action_entries (
                        entry_id BLOB PRIMARY KEY REFERENCES group_log (entry_id) ON DELETE CASCADE
                    )"""),
            new Migration(9,
                    // Files offered in messages (org.parley.files), sent or received, by file ID
                    // (an HMAC of the Merkle root under the file key). The offer (name, hashes,
                    // key) and the path on this machine are sealed; which chunks are held is a
                    // bitmap, so a download resumes after a restart. The chunks themselves are
                    // sealed under the file key in files/ beside the database.
                    """
                    CREATE TABLE IF NOT EXISTS files (
                        file_id    BLOB PRIMARY KEY,
                        message_id BLOB,
                        peer_id    TEXT NOT NULL,
                        direction  TEXT NOT NULL CHECK (direction IN ('in', 'out')),
                        offer      BLOB NOT NULL,
                        state      TEXT NOT NULL,
                        held       BLOB NOT NULL,
                        path       BLOB,
                        reason     TEXT,
                        created_ms INTEGER NOT NULL
                    )""",
                    "CREATE INDEX IF NOT EXISTS files_by_message ON files (message_id)"),
            new Migration(10,
                    // Conversation features, second part (decision 0046). New tables only, IF NOT
                    // EXISTS, so that a profile rewound to an older version runs this again.
                    // Our reactions, edits and deletions of direct messages until the peer's receipt,
                    // like the outbox: the content sealed (re-encrypted after a restart if no session
                    // had sealed it), the envelope once sealed.
                    """
                    CREATE TABLE IF NOT EXISTS action_outbox (
                        action_id  BLOB PRIMARY KEY,
                        peer_id    TEXT NOT NULL,
                        content    BLOB NOT NULL,
                        sent_ms    INTEGER NOT NULL,
                        envelope   BLOB,
                        expires_ms INTEGER NOT NULL,
                        state      TEXT NOT NULL,
                        replicas   INTEGER NOT NULL DEFAULT 0
                    )""",
                    // A peer's reaction, edit or deletion that came before the message it names,
                    // sealed, until that message comes or the hold ends.
                    """
                    CREATE TABLE IF NOT EXISTS held_actions (
                        conversation TEXT NOT NULL,
                        action_id    BLOB NOT NULL,
                        target       BLOB NOT NULL,
                        actor        TEXT NOT NULL,
                        action       BLOB NOT NULL,
                        action_order INTEGER NOT NULL,
                        held_until   INTEGER NOT NULL,
                        PRIMARY KEY (conversation, action_id)
                    )""",
                    "CREATE INDEX IF NOT EXISTS held_actions_by_target ON held_actions (conversation, target)"),
            new Migration(11,
                    // Files offered to a group (decision 0045): the group, beside the file's row, whose
                    // message_id then holds the post's 32-byte entry ID. A table of its own rather
                    // than a column, so that running the step again is harmless.
                    """
                    CREATE TABLE IF NOT EXISTS group_files (
                        file_id  BLOB PRIMARY KEY REFERENCES files (file_id) ON DELETE CASCADE,
                        group_id BLOB NOT NULL
                    )"""),
            new Migration(12,
                    // Read receipts and typing indicators (decision 0053), per contact: whether the
                    // user turned each on (both off until then), how far the peer read our messages
                    // (the send time of the newest it named: ours are strictly increasing) and how
                    // far we read its own (the send time of the newest we marked).
                    """
                    CREATE TABLE IF NOT EXISTS conversation_signals (
                        peer_id       TEXT PRIMARY KEY,
                        read_receipts INTEGER NOT NULL DEFAULT 0,
                        typing        INTEGER NOT NULL DEFAULT 0,
                        peer_read_ms  INTEGER NOT NULL DEFAULT 0,
                        peer_read_id  BLOB,
                        own_read_ms   INTEGER NOT NULL DEFAULT 0
                    )"""),
            new Migration(13,
                    // Typing indicators and read marks in groups (decisions 0060, 0062): whether the
                    // user turned each on for a group (off until then). A row only for a group where
                    // one was ever set.
                    """
                    CREATE TABLE IF NOT EXISTS group_signals (
                        group_id      BLOB PRIMARY KEY,
                        typing        INTEGER NOT NULL DEFAULT 0,
                        read_receipts INTEGER NOT NULL DEFAULT 0
                    )"""),
            new Migration(14,
                    // Read marks in groups (decision 0062): how far each member (ourselves included)
                    // read each group, as the log position of the entry named. (The switch is a
                    // column of step 13's table: a column added here would fail when the step runs
                    // again, and every step must be harmless to run again.)
                    """
                    CREATE TABLE IF NOT EXISTS group_read_marks (
                        group_id BLOB NOT NULL,
                        member   TEXT NOT NULL,
                        lamport  INTEGER NOT NULL,
                        entry_id BLOB NOT NULL,
                        PRIMARY KEY (group_id, member)
                    )"""),
            new Migration(15,
                    // When a download last made progress (a chunk forced to disk, or its start): a
                    // partial download idle longer than the node's limit fails and its part file
                    // and proofs are deleted (decision 0066). A table of its own, so that running
                    // the step again is harmless; a download without a row counts from the start.
                    """
                    CREATE TABLE IF NOT EXISTS file_progress (
                        file_id     BLOB PRIMARY KEY REFERENCES files (file_id) ON DELETE CASCADE,
                        progress_ms INTEGER NOT NULL
                    )"""));

    static int latestVersion() {
        return MIGRATIONS.get(MIGRATIONS.size() - 1).version();
    }

    private Schema() {
    }
}

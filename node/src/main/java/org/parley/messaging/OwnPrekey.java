package org.parley.messaging;

/** One of our signed prekeys: the X25519 key pair a peer starts a session against. */
record OwnPrekey(int id, byte[] privateKey, long createdAtMillis) {
}

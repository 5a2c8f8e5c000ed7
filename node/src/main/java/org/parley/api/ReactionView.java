package org.parley.api;

/** One person's reaction to a message: who reacted (a peer ID) and the emoji. */
public record ReactionView(String peerId, String emoji) {
}

package org.parley.mailbox;

import com.google.protobuf.ByteString;
import org.parley.identity.PeerId;

/**
 * One item a replica holds for others, checked when it was taken: an envelope held for its
 * recipient ({@code key}) from its sender ({@code contributor}), or a group post held under its
 * topic from the peer that deposited it.
 *
 * @param order when it arrived: at least its arrival time in milliseconds and strictly above every
 *              item taken before, so it orders the items and serves as a cursor to ask after
 * @param size the bytes it counts against the limits
 */
record HeldItem<K, T>(long order, ByteString id, K key, PeerId contributor, long expiresAtMillis, T payload,
                      int size) {
}

package org.parley.groups;

/**
 * A post as it came, parsed and its signature checked: the work of a post that needs nothing but
 * its bytes (its key ID is the public key that signed it), so it can be done off the node's loop.
 * Exactly one of {@code post} and {@code malformed} is set.
 *
 * @param bytes the post as it came
 * @param post the parsed post; null if it did not parse
 * @param signatureValid whether the post's signature verifies under its key ID
 * @param malformed why the post did not parse; null if it did
 */
record CheckedPost(byte[] bytes, GroupPost post, boolean signatureValid, GroupException malformed) {
    /** Parses {@code bytes} and verifies the signature (an Ed25519 verification: the costly part). */
    static CheckedPost check(byte[] bytes) {
        GroupPost post;
        try {
            post = GroupPost.parse(bytes);
        } catch (GroupException e) {
            return new CheckedPost(bytes, null, false, e);
        }
        return new CheckedPost(bytes, post, post.signatureValid(), null);
    }
}

package org.parley.groups;

import java.util.function.Consumer;

/**
 * Where incoming posts are parsed and their signatures checked before the group layer acts on
 * them. The outcomes of one group's posts reach {@code then}, on the node's loop, in the order
 * the posts were given.
 */
public interface PostVerifier {
    /** Checks on the caller's thread: for tests that open the group layer on its own. */
    PostVerifier INLINE = (group, bytes, then) -> then.accept(CheckedPost.check(bytes));

    /**
     * Checks {@code bytes}, a post of {@code group}, and hands the outcome to {@code then} on the
     * loop; may drop the post unchecked when too many wait (gaps are back-filled).
     */
    void verify(GroupId group, byte[] bytes, Consumer<CheckedPost> then);
}

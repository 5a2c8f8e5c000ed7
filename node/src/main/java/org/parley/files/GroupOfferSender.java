package org.parley.files;

import java.util.concurrent.CompletableFuture;
import org.parley.groups.GroupId;
import org.parley.groups.GroupMessageRecord;
import org.parley.proto.wire.v1.FileOffer;

/** Posts a message that carries a file offer to a group (the groups' {@code sendWithFile}). */
@FunctionalInterface
public interface GroupOfferSender {
    CompletableFuture<GroupMessageRecord> post(GroupId group, String text, FileOffer offer);
}

package org.parley.node;

import org.parley.api.FileEventView;
import org.parley.api.GroupMessageView;
import org.parley.api.MessageView;
import org.parley.files.FileRecord;
import org.parley.files.FileTransfers;
import org.parley.groups.GroupMessageRecord;
import org.parley.messaging.MessageRecord;

/**
 * Puts the file a message offered beside the message, for history and watch events. Call on the
 * node's loop (the file layer is confined to it). Without a file layer (a node that takes no
 * files) messages go out as they are.
 */
final class FileAttachments {
    private final FileTransfers files;

    FileAttachments(FileTransfers files) {
        this.files = files;
    }

    MessageView view(MessageRecord message) {
        MessageView view = Views.of(message);
        return files == null ? view : files.fileOf(message.id()).map(file -> view.withFile(Views.of(file))).orElse(view);
    }

    GroupMessageView view(GroupMessageRecord message) {
        GroupMessageView view = Views.of(message);
        return files == null ? view
                : files.fileOfEntry(message.entryId()).map(file -> view.withFile(Views.of(file))).orElse(view);
    }

    /** A file's change as a watch event names it: by its message, or its group and post. */
    static FileEventView event(FileRecord file) {
        String message = file.group() != null ? file.entryId()
                : file.messageId() == null ? null : file.messageId().toString();
        return new FileEventView(message, file.peer().toString(), file.group() == null ? null : file.group().toString(),
                Views.of(file));
    }
}

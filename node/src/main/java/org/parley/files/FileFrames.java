package org.parley.files;

import org.parley.proto.wire.v1.FileFrame;
import org.parley.proto.wire.v1.Frame;

/** Wraps a file frame body into the link frame that carries it. */
final class FileFrames {
    private FileFrames() {
    }

    static Frame of(FileFrame body) {
        return Frame.newBuilder().setFile(body).build();
    }
}

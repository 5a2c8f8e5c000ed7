package org.parley.files;

/** What the files layer tells the node's watchers: a file's state or progress changed. Called on the loop. */
public interface FileEvents {
    void fileUpdated(FileRecord file);
}

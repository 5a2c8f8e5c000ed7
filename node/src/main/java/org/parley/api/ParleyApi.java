package org.parley.api;

import java.util.List;

/**
 * What a user can ask of their node: the single facade the CLI and the TUI program against. The
 * node implements it in process ({@code org.parley.node.LocalApi}); the control API carries it to
 * other processes ({@code org.parley.control.ControlClient}). Calls are safe from any thread.
 */
public interface ParleyApi {
    /** This node's public identity. */
    IdentityView identity() throws ApiException;

    /** Neighbours with a verified, established link, ordered by peer ID. */
    List<PeerView> peers() throws ApiException;
}

package org.parley.cli;

import org.parley.api.ApiException;
import org.parley.api.ParleyApi;
import org.parley.control.ControlClient;
import org.parley.store.ProfileHome;

/** Runs one request against the daemon of a home, turning every failure into one line. */
final class DaemonCall {
    interface Request<T> {
        T run(ParleyApi daemon) throws ApiException;
    }

    private DaemonCall() {
    }

    static <T> T run(ProfileHome home, Request<T> request) throws CliException {
        try (ControlClient daemon = ControlClient.connectOrExplain(home)) {
            return request.run(daemon);
        } catch (ApiException e) {
            throw new CliException(e.getMessage(), e);
        }
    }
}

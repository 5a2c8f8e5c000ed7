package org.parley.control;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.parley.api.ApiException;
import org.parley.store.ProfileHome;

/** A failed control call told as the API's error, in words a user can act on. */
final class ControlErrors {
    private ControlErrors() {
    }

    static ApiException explain(StatusRuntimeException e, ProfileHome home) {
        Status status = e.getStatus();
        return switch (status.getCode()) {
            // A daemon killed hard leaves its socket behind: nobody listens on it.
            case UNAVAILABLE -> notRunning(home);
            case UNAUTHENTICATED -> new ApiException(ApiException.Kind.UNAUTHENTICATED,
                    "the daemon of " + home + " refused our control token");
            case DEADLINE_EXCEEDED -> new ApiException(ApiException.Kind.DEADLINE_EXCEEDED,
                    "the daemon of " + home + " did not answer in time");
            default -> new ApiException(kindOf(status.getCode()), status.getDescription() != null
                    ? status.getDescription() : "the daemon answered " + status.getCode());
        };
    }

    static ApiException notRunning(ProfileHome home) {
        return new ApiException(ApiException.Kind.UNAVAILABLE, "no daemon is running for " + home
                + " (start one with: parley daemon --home "
                + home + ")");
    }

    private static ApiException.Kind kindOf(Status.Code code) {
        for (ApiException.Kind kind : ApiException.Kind.values()) {
            if (kind.name().equals(code.name())) {
                return kind;
            }
        }
        return ApiException.Kind.INTERNAL;
    }
}

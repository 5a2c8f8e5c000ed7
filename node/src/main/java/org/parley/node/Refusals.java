package org.parley.node;

import org.parley.api.ApiException;
import org.parley.api.ApiException.Kind;
import org.parley.groups.GroupFailure;
import org.parley.messaging.MessagingException;

/** Turns what the layers below refuse with into the API's kinds of refusal. */
final class Refusals {
    private Refusals() {
    }

    static ApiException of(Throwable cause) {
        String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        if (cause instanceof ApiException api) {
            return api;
        }
        if (cause instanceof GroupFailure failure) {
            return new ApiException(kind(failure.reason()), message, cause);
        }
        if (cause instanceof MessagingException failure) {
            return new ApiException(kind(failure.reason()), message, cause);
        }
        return new ApiException(Kind.INTERNAL, message, cause);
    }

    private static Kind kind(GroupFailure.Reason reason) {
        return switch (reason) {
            case INVALID -> Kind.INVALID_ARGUMENT;
            case NOT_FOUND -> Kind.NOT_FOUND;
            case ALREADY_DONE -> Kind.ALREADY_EXISTS;
            case NOT_ALLOWED -> Kind.PERMISSION_DENIED;
            case WRONG_STATE -> Kind.FAILED_PRECONDITION;
            case LIMIT_REACHED -> Kind.RESOURCE_EXHAUSTED;
            case INTERNAL -> Kind.INTERNAL;
        };
    }

    private static Kind kind(MessagingException.Reason reason) {
        return switch (reason) {
            case INVALID -> Kind.INVALID_ARGUMENT;
            case NOT_FOUND -> Kind.NOT_FOUND;
            case WRONG_STATE -> Kind.FAILED_PRECONDITION;
            case BUSY -> Kind.RESOURCE_EXHAUSTED;
            case NOT_ALLOWED -> Kind.PERMISSION_DENIED;
            case INTERNAL -> Kind.INTERNAL;
        };
    }
}

package org.parley.control;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.logging.Logger;

/** Refuses every control call that does not carry the home's token. */
final class TokenCheck implements ServerInterceptor {
    private static final Logger LOG = Logger.getLogger(TokenCheck.class.getName());

    private final ControlToken token;

    TokenCheck(ControlToken token) {
        this.token = token;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        if (!token.matches(headers.get(ControlToken.HEADER))) {
            LOG.warning("refused a control call without a valid token: " + call.getMethodDescriptor().getFullMethodName());
            call.close(Status.UNAUTHENTICATED.withDescription("missing or wrong control token"), new Metadata());
            return new ServerCall.Listener<>() {
            };
        }
        return next.startCall(call, headers);
    }
}

package org.parley.overlay.gossip;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Optional;
import org.parley.proto.wire.v1.GossipFrame;
import org.parley.proto.wire.v1.Publish;

/**
 * Checks an inbound frame's shape and limits before the router acts on it: every field the router
 * reads is present and within {@link GossipConfig}, and a Publish carries the ID of its own
 * content. A frame that fails is dropped whole and its sender penalized; honest code never sends one.
 */
final class FrameCheck {
    private final GossipConfig config;

    FrameCheck(GossipConfig config) {
        this.config = config;
    }

    /** Why {@code frame} must be refused; empty when it is well-formed. */
    Optional<String> problem(GossipFrame frame) {
        return switch (frame.getBodyCase()) {
            case PUBLISH -> publishProblem(frame.getPublish());
            case IHAVE -> topicProblem(frame.getIhave().getTopic())
                    .or(() -> idsProblem(frame.getIhave().getMessageIdsList()));
            case IWANT -> idsProblem(frame.getIwant().getMessageIdsList());
            case GRAFT -> topicProblem(frame.getGraft().getTopic());
            case PRUNE -> topicProblem(frame.getPrune().getTopic());
            case SUBSCRIBE -> topicProblem(frame.getSubscribe().getTopic());
            case UNSUBSCRIBE -> topicProblem(frame.getUnsubscribe().getTopic());
            case BODY_NOT_SET -> Optional.of("empty or unknown gossip frame");
        };
    }

    private Optional<String> publishProblem(Publish publish) {
        Optional<String> topic = topicProblem(publish.getTopic());
        if (topic.isPresent()) {
            return topic;
        }
        if (publish.getPayload().size() > config.maxPayloadBytes()) {
            return Optional.of("payload of " + publish.getPayload().size() + " bytes exceeds "
                    + config.maxPayloadBytes());
        }
        if (publish.getHopsLeft() > config.maxHops()) {
            return Optional.of("hop limit " + publish.getHopsLeft() + " above " + config.maxHops());
        }
        if (publish.getMessageId().size() != GossipId.SIZE) {
            return Optional.of("message ID of " + publish.getMessageId().size() + " bytes");
        }
        if (!GossipId.of(publish.getTopic(), publish.getPayload()).bytes().equals(publish.getMessageId())) {
            return Optional.of("message ID does not match the content");
        }
        return Optional.empty();
    }

    private Optional<String> topicProblem(String topic) {
        if (topic.isEmpty()) {
            return Optional.of("empty topic");
        }
        if (topic.length() > config.maxTopicLength()) {
            return Optional.of("topic of " + topic.length() + " characters exceeds " + config.maxTopicLength());
        }
        return Optional.empty();
    }

    private Optional<String> idsProblem(List<ByteString> ids) {
        if (ids.isEmpty()) {
            return Optional.of("no message IDs");
        }
        if (ids.size() > config.maxIdsPerFrame()) {
            return Optional.of(ids.size() + " message IDs in one frame, more than " + config.maxIdsPerFrame());
        }
        for (ByteString id : ids) {
            if (id.size() != GossipId.SIZE) {
                return Optional.of("message ID of " + id.size() + " bytes");
            }
        }
        return Optional.empty();
    }
}

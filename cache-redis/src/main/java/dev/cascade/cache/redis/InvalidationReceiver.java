package dev.cascade.cache.redis;

import dev.cascade.cache.redis.internal.RedisLink;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * What one {@link RedisInvalidation} does with what its subscription reports: applies the other
 * instances' invalidations and acknowledges them (and their hellos), records the acknowledgements
 * of its own messages and hears its own echo, and tracks whether the subscription delivers (not from
 * a disconnect until it is restored).
 *
 * <p>Thread-safe; called on Lettuce's threads, and never waits for a reply. Invariant: whatever may
 * have lost messages (a gap in another instance's numbers, a message of another version, a
 * disconnect, the time until resubscription) flushes every listener.
 */
final class InvalidationReceiver implements InvalidationSubscriber.Events {
  private final String instanceId;
  private final String broadcast;
  private final String ackChannel;
  private final RedisLink publisher;
  private final InvalidationPeers peers;
  private final InvalidationAcks acks;
  private final InvalidationSelfCheck self;
  private final InvalidationListeners listeners;
  private final InvalidationSender sender;
  private final BooleanSupplier closed;
  private final AtomicBoolean delivering = new AtomicBoolean(true);

  /**
   * Receives for instance {@code instanceId} on {@code broadcast} and on its own {@code ackChannel};
   * acknowledges through {@code publisher}; ignores disconnects once {@code closed}.
   */
  InvalidationReceiver(
      String instanceId,
      String broadcast,
      String ackChannel,
      RedisLink publisher,
      InvalidationPeers peers,
      InvalidationAcks acks,
      InvalidationSelfCheck self,
      InvalidationListeners listeners,
      InvalidationSender sender,
      BooleanSupplier closed) {
    this.instanceId = instanceId;
    this.broadcast = broadcast;
    this.ackChannel = ackChannel;
    this.publisher = publisher;
    this.peers = peers;
    this.acks = acks;
    this.self = self;
    this.listeners = listeners;
    this.sender = sender;
    this.closed = closed;
  }

  /** Returns whether the subscription delivers: it is not being re-established after a drop. */
  boolean delivering() {
    return delivering.get();
  }

  @Override
  public void message(String channel, byte[] bytes) {
    InvalidationMessage message = InvalidationMessage.parse(bytes);
    if (message == null) {
      return; // not ours; nothing to apply
    }
    if (message.v() != InvalidationMessage.VERSION) {
      listeners.flushAll(); // a peer speaks another version: we cannot tell what it invalidated
      return;
    }
    if (channel.equals(ackChannel)) {
      peers.acknowledged(message.from());
      acks.acknowledged(message.seq(), message.from());
      return;
    }
    if (message.from().equals(instanceId)) {
      self.heardOwnMessage();
      return;
    }
    if (peers.heard(message)) {
      listeners.flushAll();
    }
    if (InvalidationMessage.INVALIDATION.equals(message.type())) {
      listeners.apply(message);
      acknowledge(message);
    } else if (InvalidationMessage.HELLO.equals(message.type())) {
      acknowledge(message);
    }
  }

  private void acknowledge(InvalidationMessage message) {
    byte[] ack = InvalidationMessage.control(InvalidationMessage.ACK, instanceId, message.seq()).toBytes();
    publisher.publish(broadcast + ":ack:" + message.from(), ack);
  }

  @Override
  public void disconnected() {
    if (!closed.getAsBoolean()) {
      delivering.set(false);
      listeners.flushAll(); // from now until resubscription, messages are lost to us
    }
  }

  @Override
  public void resubscribed() {
    listeners.flushAll(); // messages between the disconnect and now are lost
    delivering.set(true);
    sender.send(InvalidationMessage.HELLO, null, null, List.of(), false, null);
  }
}

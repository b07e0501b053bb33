package dev.cascade.cache.redis;

import dev.cascade.cache.redis.internal.RedisLink;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * What one {@link RedisInvalidation} does with what its subscription reports: applies the other
 * instances' invalidations and acknowledges them (and their hellos), records the acknowledgements
 * of its own messages and hears its own echo, and tracks whether the subscription delivers (not from
 * a disconnect until it is restored).
 *
 * <p>Each start attempt makes a subscription of its own ({@link #newSubscription()}); only the
 * newest one's drops and restorations count. Whether it delivers is one atomic pair (which
 * subscription, whether it delivers), so a drop of a subscription that a failed attempt closed
 * cannot leave the next attempt's subscription marked as not delivering, and a drop of the current
 * one during an attempt that then succeeds still counts until Lettuce has resubscribed.
 *
 * <p>Thread-safe; called on Lettuce's threads, and never waits for a reply. Invariant: whatever may
 * have lost messages (a gap in another instance's numbers, a message of another version, a
 * disconnect, the time until resubscription, the time before a late start) flushes every listener.
 */
final class InvalidationReceiver {
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
  private final AtomicReference<State> state = new AtomicReference<>(new State(null, true));

  /** The current subscription ({@code null} before the first attempt) and whether it delivers. */
  private record State(InvalidationSubscriber.@Nullable Events subscription, boolean delivering) {}

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

  /**
   * Returns whether the subscription delivers: the current one is not being re-established after a
   * drop.
   */
  boolean delivering() {
    return state.get().delivering();
  }

  /**
   * Returns the events of a subscription a start attempt is about to make, which becomes the current
   * one and delivers until it drops. From now on, what earlier subscriptions report of their
   * connection no longer counts (a failed attempt has closed them); their messages are still applied.
   */
  InvalidationSubscriber.Events newSubscription() {
    Subscription subscription = new Subscription();
    state.set(new State(subscription, true));
    return subscription;
  }

  /**
   * The channel starts after failed attempts: a cache may have begun a load while nothing could reach
   * this instance and still be about to fill its in-process tier with what it read then, so every
   * listener is told of a possible loss (which also discards fills in flight) before the channel says
   * it delivers.
   */
  void startingLate() {
    listeners.flushAll();
  }

  private void message(String channel, byte[] bytes) {
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

  /** Whether {@code subscription} is the current one. */
  private boolean isCurrent(Subscription subscription) {
    return state.get().subscription() == subscription;
  }

  /** Sets whether {@code subscription} delivers, if it is still the current one. */
  private void setDelivering(Subscription subscription, boolean delivering) {
    state.updateAndGet(now -> now.subscription() == subscription ? new State(subscription, delivering) : now);
  }

  /** What one subscription reports; see the class comment for which reports count. */
  private final class Subscription implements InvalidationSubscriber.Events {
    @Override
    public void message(String channel, byte[] bytes) {
      InvalidationReceiver.this.message(channel, bytes);
    }

    @Override
    public void disconnected() {
      if (!closed.getAsBoolean() && isCurrent(this)) {
        setDelivering(this, false);
        listeners.flushAll(); // from now until resubscription, messages are lost to us
      }
    }

    @Override
    public void resubscribed() {
      if (!isCurrent(this)) {
        return; // a subscription of a failed attempt, closed since
      }
      listeners.flushAll(); // messages between the disconnect and now are lost
      setDelivering(this, true);
      sender.send(InvalidationMessage.HELLO, null, null, List.of(), false, null);
    }
  }
}

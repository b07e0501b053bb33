package dev.cascade.cache.redis;

import dev.cascade.cache.redis.internal.RedisLink;
import io.lettuce.core.AbstractRedisClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The start of one {@link RedisInvalidation}, tried until it succeeds: subscribe, place the marker
 * key, and join the other instances, which are found by their acknowledgement channels ({@code
 * PUBSUB CHANNELS <channel>:ack:*}, the server's table of subscribed channels), never by scanning
 * keys. A failed attempt closes what it opened; the channel's next heartbeat tries again. Logs a
 * WARNING (logger {@code dev.cascade.cache.redis}) when the first attempt fails and INFO when a later
 * one succeeds.
 *
 * <p>Thread-safe: attempts run on the constructor's thread, then only on the heartbeat thread, so
 * never two at once; the state they leave is volatile. Invariant: {@link #started()} turns true
 * only after subscribing, the marker and the join all succeeded, and never turns false.
 */
final class InvalidationStartup {
  private static final System.Logger LOG = System.getLogger("dev.cascade.cache.redis");

  private final AbstractRedisClient client;
  private final String subscriberName;
  private final InvalidationReceiver receiver;
  private final RedisLink publisher;
  private final String instanceId;
  private final String broadcast;
  private final String ackChannel;
  private final Duration ackTimeout;
  private final InvalidationSelfCheck self;
  private final InvalidationPeers peers;
  private final InvalidationAcks acks;
  private final InvalidationSender sender;
  private volatile @Nullable InvalidationSubscriber subscriber;
  private volatile boolean started;
  private volatile String notStarted = "not started yet";

  InvalidationStartup(
      AbstractRedisClient client,
      String subscriberName,
      InvalidationReceiver receiver,
      RedisLink publisher,
      String instanceId,
      String broadcast,
      String ackChannel,
      Duration ackTimeout,
      InvalidationSelfCheck self,
      InvalidationPeers peers,
      InvalidationAcks acks,
      InvalidationSender sender) {
    this.client = client;
    this.subscriberName = subscriberName;
    this.receiver = receiver;
    this.publisher = publisher;
    this.instanceId = instanceId;
    this.broadcast = broadcast;
    this.ackChannel = ackChannel;
    this.ackTimeout = ackTimeout;
    this.self = self;
    this.peers = peers;
    this.acks = acks;
    this.sender = sender;
  }

  /** Returns whether the channel has started (subscribed, placed its marker and joined). */
  boolean started() {
    return started;
  }

  /** Returns why the channel has not started yet (the last attempt's failure). */
  String notStarted() {
    return notStarted;
  }

  /** Returns the subscription of the started channel, or {@code null} before it has started. */
  @Nullable InvalidationSubscriber subscriber() {
    return subscriber;
  }

  /** The first attempt, from the channel's constructor; warns if it fails. */
  void first() {
    if (!attempt(false)) {
      LOG.log(
          System.Logger.Level.WARNING,
          "invalidation channel {0} cannot start ({1}); it keeps trying every heartbeat, and its caches keep nothing new in"
              + " their in-process tier until it does",
          broadcast,
          notStarted);
    }
  }

  /** A later attempt, on the heartbeat thread while not started; says when it succeeds. */
  void retry() {
    if (attempt(true)) {
      LOG.log(System.Logger.Level.INFO, "invalidation channel {0} started", broadcast);
    }
  }

  /**
   * Subscribes, places the marker key and joins the other instances; returns whether it succeeded
   * (if not, what was opened is closed and a later beat tries again). The subscription it makes is
   * the receiver's current one from the start, so that whether the channel delivers once started
   * depends on this attempt's subscription alone: a drop of an earlier attempt's one no longer
   * counts, a drop of this one does until Lettuce has resubscribed. A {@code late} start (after
   * failed attempts, when caches may already listen) tells them of a possible loss first.
   */
  private boolean attempt(boolean late) {
    InvalidationSubscriber made = null;
    try {
      made = new InvalidationSubscriber(client, subscriberName, receiver.newSubscription(), publisher.timeout(), broadcast, ackChannel);
      subscriber = made;
      self.placeMarker();
      join(broadcast);
      self.restart(System.nanoTime());
      if (late) {
        receiver.startingLate();
      }
      started = true;
      return true;
    } catch (RuntimeException e) {
      notStarted = e.getMessage() == null ? e.toString() : e.getMessage();
      subscriber = null;
      if (made != null) {
        made.close();
      }
      return false;
    }
  }

  /**
   * Announces this instance and waits (up to the ack timeout) until every other instance subscribed
   * to the channel has acknowledged it: when the channel's constructor returns, the others wait for
   * this instance's acknowledgements, so its first fills can already be invalidated.
   */
  private void join(String channel) {
    String prefix = channel + ":ack:";
    List<String> subscribed = publisher.channelsMatching(RedisTier.escapeGlob(prefix) + "*").join();
    Set<String> others = new HashSet<>();
    for (String ackChannelOfPeer : subscribed) {
      String id = ackChannelOfPeer.substring(prefix.length());
      if (!id.equals(instanceId)) {
        others.add(id);
        peers.expect(id);
      }
    }
    InvalidationAcks.Wait welcome = acks.expect(0L, others, Set.of());
    sender.send(InvalidationMessage.HELLO, null, null, List.of(), false, null).join();
    if (welcome != null) {
      acks.awaitNow(welcome, ackTimeout, peers::forget); // instances that vanished meanwhile
    }
  }
}

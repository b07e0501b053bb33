package dev.cascade.cache.redis;

import dev.cascade.cache.CacheException;
import dev.cascade.cache.CacheTimeoutException;
import dev.cascade.cache.CacheUnavailableException;
import dev.cascade.cache.redis.internal.RedisLink;
import dev.cascade.cache.spi.InvalidationChannel;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The invalidation channel of layered caches on Redis pub/sub, built to notice its own losses
 * instead of trusting fire-and-forget delivery. Works on standalone servers and on Redis Cluster
 * (classic pub/sub is broadcast over the cluster bus).
 *
 * <p>One channel serves every cache of a service instance (it tells them apart by cache name);
 * the usual way to get it is from the instance's {@link RedisBackend}:
 *
 * <pre>{@code
 * RedisBackend backend = RedisBackend.create(redis);               // one per service instance
 * Cache<Long, Product> products = Cache.<Long, Product>builder("products")
 *     .inMemory(m -> m.maximumSize(10_000))
 *     .tier(backend.store())
 *     .valueCodec(JsonCodec.of(Product.class))
 *     .invalidation(backend.invalidation())
 *     .build();
 * }</pre>
 *
 * <p>What it guarantees:
 *
 * <ul>
 *   <li>Every message of an instance carries a sequence number; heartbeats (every {@code
 *       heartbeat}, default 500 ms) carry the last one used. A receiver that sees a gap, whether
 *       from a lost message or from a publish that failed at the sender, flushes its in-process
 *       tiers.
 *   <li>A receiver whose subscription drops (a reconnect, {@code CLIENT KILL}, a failover) flushes
 *       when it notices the disconnect and again when it has resubscribed; a receiver that stops
 *       hearing its own heartbeats flushes on every beat until it does.
 *   <li>An instance that stops beating for three beats without saying goodbye (a crash, a restart)
 *       makes every receiver flush: its last messages may not have arrived.
 *   <li>Each instance keeps a marker key; when {@code FLUSHALL} or {@code FLUSHDB} removes it, the
 *       instance flushes within one beat.
 *   <li>A write waits until every other live instance (heard from within the last three beats, or
 *       found subscribed when this one started) has acknowledged applying it, for at most {@code
 *       ackTimeout} (default 250 ms). A write that some live instance did not acknowledge by the
 *       time it completes is <em>unacknowledged</em>: it is counted ({@link #unacknowledgedCount()},
 *       and per cache in {@code CacheStats.unacknowledgedInvalidationCount}), and {@link
 *       Builder#unacknowledged(Unacknowledged)} chooses what the call does: {@link
 *       Unacknowledged#PROCEED} (the default) completes it normally; {@link Unacknowledged#FAIL}
 *       fails it with a {@link CacheTimeoutException} naming the cache, the keys and the instances
 *       that did not answer. The write itself is done either way (Redis and this instance's
 *       in-process tier hold it); what is not known is whether those instances dropped their copy.
 *       They are gone (and forgotten after three beats), cut off (and flush when their subscription
 *       returns), or stalled (and may serve the old value until they process the message).
 *   <li>With {@code PROCEED}, an instance that missed an acknowledgement is not waited for again
 *       until it acknowledges something, so a stalled instance costs one {@code ackTimeout}, not
 *       one per write; the writes it has not acknowledged by the time they complete are still
 *       counted. With {@code FAIL}, every write waits for every live instance, so each write fails
 *       after {@code ackTimeout} while one is stalled, until it answers again or is forgotten.
 * </ul>
 *
 * <p>Starting with Redis down: when the channel cannot subscribe, place its marker or join (Redis
 * not reachable, for one), it is made all the same and tries again on every heartbeat. Until it has
 * started, {@link #isDelivering()} answers {@code false} (layered caches keep nothing new in their
 * in-process tier, so nothing there can miss an invalidation) and {@link #publish} fails at once
 * with a {@link CacheUnavailableException}; once it has, it works as if it had started at once.
 * Such a late start first tells its caches that messages may have been lost (a load that read Redis
 * before the start must not fill an in-process tier after it), and whether it delivers then depends
 * on the subscription of the attempt that succeeded alone: a subscription that dropped during an
 * attempt that failed does not keep a later one from delivering.
 *
 * <p>Thread-safe. Made by {@code create} or {@code builder}, it opens two connections (one to
 * subscribe, one to publish) and one daemon thread; close it when the service stops (goodbye is
 * sent then). The channel of a {@link RedisBackend} opens only the subscribing connection, publishes
 * through the backend's command connection, and is closed by the backend.
 */
public final class RedisInvalidation implements InvalidationChannel {
  private final String instanceId = UUID.randomUUID().toString();
  private final String broadcast;
  private final Duration heartbeat;
  private final Duration ackTimeout;
  private final RedisLink publisher;
  private final boolean ofBackend;
  private final ScheduledExecutorService timer;
  private final InvalidationPeers peers = new InvalidationPeers();
  private final InvalidationListeners listeners = new InvalidationListeners();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final InvalidationSelfCheck self;
  private final InvalidationSender sender;
  private final InvalidationReceiver receiver;
  private final InvalidationStartup startup;

  /**
   * Subscribes through the builder's client and publishes through {@code publisher}. A channel of
   * a backend ({@code ofBackend}) ignores {@link #close()}; the backend ends it with {@link
   * #shutdown()}. Sending and the acknowledgement policy are {@link InvalidationSender}'s, what
   * arrives is {@link InvalidationReceiver}'s, starting (and retrying it) is {@link
   * InvalidationStartup}'s; this class beats, publishes and closes.
   */
  private RedisInvalidation(Builder builder, RedisLink publisher, boolean ofBackend) {
    this.broadcast = builder.channel;
    String ackChannel = builder.channel + ":ack:" + instanceId;
    this.heartbeat = builder.heartbeat;
    this.ackTimeout = builder.ackTimeout;
    this.ofBackend = ofBackend;
    this.publisher = publisher;
    InvalidationAcks acks = new InvalidationAcks();
    this.sender = new InvalidationSender(instanceId, broadcast, publisher, ackTimeout, builder.unacknowledged, peers, acks);
    this.self = new InvalidationSelfCheck(publisher, builder.channel + ":marker:" + instanceId, heartbeat, listeners::flushAll);
    this.receiver =
        new InvalidationReceiver(instanceId, broadcast, ackChannel, publisher, peers, acks, self, listeners, sender, closed::get);
    this.startup =
        new InvalidationStartup(
            builder.client, subscriberName(), receiver, publisher, instanceId, broadcast, ackChannel, ackTimeout, self, peers, acks, sender);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "cascade-invalidation-" + instanceId.substring(0, 8));
              thread.setDaemon(true);
              return thread;
            });
    startup.first();
    long beat = heartbeat.toNanos();
    timer.scheduleAtFixedRate(this::beat, beat, beat, TimeUnit.NANOSECONDS);
  }

  /** Returns a channel on {@code client} with the default options. */
  public static RedisInvalidation create(RedisClient client) {
    return builder(client).build();
  }

  /** Returns a channel on the cluster of {@code client} with the default options. */
  public static RedisInvalidation create(RedisClusterClient client) {
    return builder(client).build();
  }

  /** Returns a builder of a channel on {@code client}. */
  public static Builder builder(RedisClient client) {
    return new Builder(Objects.requireNonNull(client, "client"));
  }

  /** Returns a builder of a channel on the cluster of {@code client}. */
  public static Builder builder(RedisClusterClient client) {
    return new Builder(Objects.requireNonNull(client, "client"));
  }

  /** Returns this instance's id, as other instances see it. */
  public String instanceId() {
    return instanceId;
  }

  /** Returns the client name of the subscribing connection, as {@code CLIENT LIST} shows it. */
  public String subscriberName() {
    return "cascade-inv-" + instanceId;
  }

  /** Whether this channel has started: subscribed, placed its marker and joined (for tests). */
  boolean started() {
    return startup.started();
  }

  /** Whether this channel knows instance {@code id} and waits for its acknowledgements (for tests). */
  boolean waitsFor(String id) {
    return peers.responsive().contains(id);
  }

  /**
   * Returns whether events from other instances reach this one: the channel has started (it
   * connected, subscribed and joined), its subscription is not being re-established, it hears its
   * own messages, and it is not closed.
   */
  @Override
  public boolean isDelivering() {
    return startup.started() && receiver.delivering() && self.hearsItself() && !closed.get();
  }

  /** Returns how many times this channel told its caches that messages may have been lost. */
  public long lossFlushCount() {
    return listeners.flushCount();
  }

  /**
   * Returns how many writes, of all the caches on this channel, some other live instance had not
   * acknowledged when they completed (with {@link Unacknowledged#FAIL}: when they failed for it).
   * Each cache counts its own in {@code CacheStats.unacknowledgedInvalidationCount}.
   */
  public long unacknowledgedCount() {
    return sender.unacknowledgedCount();
  }

  /** Returns what this channel does with a write some live instance did not acknowledge in time. */
  public Unacknowledged whenUnacknowledged() {
    return sender.whenUnacknowledged();
  }

  @Override
  public Subscription subscribe(String cacheName, Listener listener) {
    return listeners.subscribe(cacheName, listener);
  }

  /**
   * Sends {@code event} to the other instances and completes when every live one acknowledged it,
   * or after {@code ackTimeout}: normally with {@link Unacknowledged#PROCEED}, with a {@link
   * CacheTimeoutException} with {@link Unacknowledged#FAIL}. Fails with a {@link CacheException}
   * when the message cannot be published or the channel is closed.
   */
  @Override
  public CompletableFuture<Void> publish(String cacheName, Event event) {
    return publish(cacheName, event, () -> {});
  }

  /**
   * Sends {@code event} as {@link #publish(String, Event)} does and runs {@code unacknowledged}
   * first when some live instance did not acknowledge it in time.
   */
  @Override
  public CompletableFuture<Void> publish(String cacheName, Event event, Runnable unacknowledged) {
    Objects.requireNonNull(unacknowledged, "unacknowledged");
    if (closed.get()) {
      return CompletableFuture.failedFuture(new CacheException("invalidation channel is closed", null));
    }
    if (!startup.started()) {
      return CompletableFuture.failedFuture(
          new CacheUnavailableException("invalidation channel " + broadcast + " has not started: " + startup.notStarted(), null));
    }
    return sender.send(InvalidationMessage.INVALIDATION, cacheName, event.kind().name(), event.keys(), true, unacknowledged);
  }

  /** One heartbeat: announce ourselves, then look for every kind of silent loss. */
  private void beat() {
    if (closed.get()) {
      return;
    }
    if (!startup.started()) {
      startup.retry();
      return;
    }
    try {
      long now = System.nanoTime();
      self.beatStarts(now);
      sender.send(InvalidationMessage.HEARTBEAT, null, null, List.of(), false, null);
      if (peers.forgetSilent(now, 3 * heartbeat.toNanos())) {
        listeners.flushAll(); // an instance vanished without goodbye: its last messages may be lost
      }
      self.beatEnds(now);
    } catch (RuntimeException e) {
      // the next beat tries again; a failed send has consumed no sequence number
    }
  }

  /**
   * Says goodbye (so that receivers need not wait for missed heartbeats), removes this instance's
   * marker key, stops the heartbeat (or the attempts to start) and closes the connections this
   * channel opened; closing its subscription is what keeps newcomers from waiting for its
   * acknowledgement. Idempotent. Does nothing on the channel of a {@link RedisBackend}: closing the
   * backend does all this.
   */
  @Override
  public void close() {
    if (!ofBackend) {
      shutdown();
    }
  }

  /** What {@link #close()} does, also for a backend's channel. Idempotent. */
  void shutdown() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    timer.shutdownNow();
    try {
      // a start in progress on the timer thread ends within its bounded commands and the ack timeout
      timer.awaitTermination(ackTimeout.toMillis() + 5 * publisher.timeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (startup.started()) { // a channel that never started has no one to say goodbye to and no marker
      try {
        sender.sayGoodbye(self);
      } catch (Exception e) {
        // receivers will notice the missing heartbeats instead
      }
    }
    InvalidationSubscriber current = startup.subscriber();
    if (current != null) {
      current.close();
    }
    publisher.close();
  }

  /**
   * Options of a {@link RedisInvalidation}. Not thread-safe; each option may be set once (a second
   * time throws {@link IllegalStateException}).
   */
  public static final class Builder {
    private final AbstractRedisClient client;
    private String channel = "cascade:invalidation";
    private Duration heartbeat = Duration.ofMillis(500);
    private Duration ackTimeout = Duration.ofMillis(250);
    private Duration commandTimeout = Duration.ofMillis(250);
    private Unacknowledged unacknowledged = Unacknowledged.PROCEED;
    private final Set<String> set = new HashSet<>();

    private Builder(AbstractRedisClient client) {
      this.client = client;
    }

    /**
     * Sets the pub/sub channel (default {@code cascade:invalidation}); instances must agree on it.
     *
     * @throws IllegalArgumentException if empty
     */
    public Builder channel(String channel) {
      Objects.requireNonNull(channel, "channel");
      if (channel.isEmpty()) {
        throw new IllegalArgumentException("channel must not be empty");
      }
      once("channel", this.channel);
      this.channel = channel;
      return this;
    }

    /**
     * Sets the heartbeat interval (default 500 ms); silence for three beats counts as loss. The
     * instance's marker key lives for 20 beats, sent to Redis in whole milliseconds rounded up: with
     * a heartbeat under 50 µs it lives 1 ms (so the channel starts, though such a heartbeat costs far
     * more than it finds).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder heartbeat(Duration heartbeat) {
      Duration checked = RedisOptions.positive(heartbeat, "heartbeat");
      once("heartbeat", this.heartbeat);
      this.heartbeat = checked;
      return this;
    }

    /**
     * Sets how long a write waits for other instances' acknowledgements (default 250 ms).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder ackTimeout(Duration ackTimeout) {
      Duration checked = RedisOptions.positive(ackTimeout, "ackTimeout");
      once("ackTimeout", this.ackTimeout);
      this.ackTimeout = checked;
      return this;
    }

    /**
     * Chooses what a write does when some other live instance has not acknowledged it within
     * {@code ackTimeout}: {@link Unacknowledged#PROCEED} (the default) completes it normally, {@link
     * Unacknowledged#FAIL} fails it with a {@link CacheTimeoutException}. Either way it is counted.
     */
    public Builder unacknowledged(Unacknowledged unacknowledged) {
      Objects.requireNonNull(unacknowledged, "unacknowledged");
      once("unacknowledged", this.unacknowledged);
      this.unacknowledged = unacknowledged;
      return this;
    }

    /**
     * Sets the command timeout of the publishing connection (default 250 ms).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder commandTimeout(Duration commandTimeout) {
      Duration checked = RedisOptions.positive(commandTimeout, "commandTimeout");
      once("commandTimeout", this.commandTimeout);
      this.commandTimeout = checked;
      return this;
    }

    /**
     * Connects, subscribes and returns the channel. It opens two connections of its own (one to
     * subscribe, one to publish) and closes them when closed. If Redis cannot be reached, or the
     * channel cannot start for another reason, the channel is returned all the same and tries again
     * on every heartbeat (see {@link RedisInvalidation}).
     */
    public RedisInvalidation build() {
      RedisLink publisher =
          client instanceof RedisClusterClient cluster
              ? RedisLink.connect(cluster, commandTimeout)
              : RedisLink.connect((RedisClient) client, commandTimeout);
      return start(publisher, false);
    }

    /**
     * Subscribes and returns a channel of a backend, which publishes through {@code publisher} (a
     * borrowed link; its command timeout replaces this builder's) and ignores {@code close()}.
     */
    RedisInvalidation buildOn(RedisLink publisher) {
      return start(publisher, true);
    }

    private RedisInvalidation start(RedisLink publisher, boolean ofBackend) {
      try {
        return new RedisInvalidation(this, publisher, ofBackend);
      } catch (RuntimeException e) {
        publisher.close();
        throw e instanceof CacheException ? e : new CacheException("cannot start the invalidation channel: " + e.getMessage(), e);
      }
    }

    private void once(String option, Object value) {
      if (!set.add(option)) {
        throw new IllegalStateException(option + " was already set to " + value);
      }
    }
  }

  /**
   * What a write does when some other live instance has not acknowledged its invalidation within
   * the channel's {@code ackTimeout}. In both cases the write itself is done and the channel and the
   * cache count it as unacknowledged.
   */
  public enum Unacknowledged {
    /**
     * Complete the call normally (the default): writes stay fast while an instance is stalled or
     * gone, and the count tells how often another instance may have served an old value after a
     * write returned.
     */
    PROCEED,
    /**
     * Fail the call with a {@link CacheTimeoutException} naming the cache, the keys and the
     * instances that did not answer: a write that returns normally was applied by every live
     * instance.
     */
    FAIL
  }

  @Override
  public String toString() {
    return "RedisInvalidation[" + instanceId + " on " + broadcast + "]";
  }
}

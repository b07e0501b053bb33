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
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

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
 *
 * <p>Thread-safe. Made by {@code create} or {@code builder}, it opens two connections (one to
 * subscribe, one to publish) and one daemon thread; close it when the service stops (goodbye is
 * sent then). The channel of a {@link RedisBackend} opens only the subscribing connection, publishes
 * through the backend's command connection, and is closed by the backend.
 */
public final class RedisInvalidation implements InvalidationChannel {
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
  private static final System.Logger LOG = System.getLogger("dev.cascade.cache.redis");

  private final String instanceId = UUID.randomUUID().toString();
  private final String broadcast;
  private final String ackChannel;
  private final Duration heartbeat;
  private final Duration ackTimeout;
  private final Unacknowledged whenUnacknowledged;
  private final RedisLink publisher;
  private final boolean ofBackend;
  private final AbstractRedisClient client;
  private final InvalidationSubscriber.Events events;
  private volatile @Nullable InvalidationSubscriber subscriber; // set by start(), on the constructor's or the timer's thread
  private volatile boolean started;
  private volatile String notStarted = "not started yet";
  private final ScheduledExecutorService timer;
  private final ReentrantLock sendLock = new ReentrantLock();
  private final AtomicLong lastSeq = new AtomicLong();
  private final InvalidationPeers peers = new InvalidationPeers();
  private final InvalidationAcks acks = new InvalidationAcks();
  private final Map<String, List<Listener>> listeners = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong flushes = new AtomicLong();
  private final AtomicLong unacknowledged = new AtomicLong();
  private final InvalidationSelfCheck self;
  private final AtomicBoolean delivering = new AtomicBoolean(true);

  /**
   * Subscribes through the builder's client and publishes through {@code publisher}. A channel of
   * a backend ({@code ofBackend}) ignores {@link #close()}; the backend ends it with {@link
   * #shutdown()}.
   */
  private RedisInvalidation(Builder builder, RedisLink publisher, boolean ofBackend) {
    this.broadcast = builder.channel;
    this.ackChannel = builder.channel + ":ack:" + instanceId;
    this.heartbeat = builder.heartbeat;
    this.ackTimeout = builder.ackTimeout;
    this.whenUnacknowledged = builder.unacknowledged;
    this.ofBackend = ofBackend;
    this.publisher = publisher;
    this.self = new InvalidationSelfCheck(publisher, builder.channel + ":marker:" + instanceId, heartbeat, this::flushAll);
    this.client = builder.client;
    this.events =
        new InvalidationSubscriber.Events() {
          @Override
          public void message(String channel, byte[] bytes) {
            receive(channel, bytes);
          }

          @Override
          public void disconnected() {
            if (!closed.get()) {
              delivering.set(false);
              flushAll(); // from now until resubscription, messages are lost to us
            }
          }

          @Override
          public void resubscribed() {
            flushAll(); // messages between the disconnect and now are lost
            delivering.set(true);
            send(InvalidationMessage.HELLO, null, null, List.of(), false, null);
          }
        };
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "cascade-invalidation-" + instanceId.substring(0, 8));
              thread.setDaemon(true);
              return thread;
            });
    if (!start()) {
      LOG.log(
          System.Logger.Level.WARNING,
          "invalidation channel {0} cannot start ({1}); it keeps trying every heartbeat, and its caches keep nothing new in"
              + " their in-process tier until it does",
          broadcast,
          notStarted);
    }
    long beat = heartbeat.toNanos();
    timer.scheduleAtFixedRate(this::beat, beat, beat, TimeUnit.NANOSECONDS);
  }

  /**
   * Subscribes, places the marker key and joins the other instances; returns whether it succeeded
   * (if not, what was opened is closed and a later beat tries again). Runs on the constructor's
   * thread, then only on the timer's, so never twice at once.
   */
  private boolean start() {
    InvalidationSubscriber made = null;
    try {
      made = new InvalidationSubscriber(client, subscriberName(), events, publisher.timeout(), broadcast, ackChannel);
      subscriber = made;
      self.placeMarker();
      join(broadcast);
      self.restart(System.nanoTime());
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
   * to the channel has acknowledged it: when the constructor returns, the others wait for this
   * instance's acknowledgements, so its first fills can already be invalidated. The others are found
   * by their acknowledgement channels ({@code PUBSUB CHANNELS <channel>:ack:*}, the server's table
   * of subscribed channels), never by scanning keys.
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
    send(InvalidationMessage.HELLO, null, null, List.of(), false, null).join();
    if (welcome != null) {
      acks.awaitNow(welcome, ackTimeout, peers::forget); // instances that vanished meanwhile
    }
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
    return started && delivering.get() && self.hearsItself() && !closed.get();
  }

  /** Returns how many times this channel told its caches that messages may have been lost. */
  public long lossFlushCount() {
    return flushes.get();
  }

  /**
   * Returns how many writes, of all the caches on this channel, some other live instance had not
   * acknowledged when they completed (with {@link Unacknowledged#FAIL}: when they failed for it).
   * Each cache counts its own in {@code CacheStats.unacknowledgedInvalidationCount}.
   */
  public long unacknowledgedCount() {
    return unacknowledged.get();
  }

  /** Returns what this channel does with a write some live instance did not acknowledge in time. */
  public Unacknowledged whenUnacknowledged() {
    return whenUnacknowledged;
  }

  @Override
  public Subscription subscribe(String cacheName, Listener listener) {
    List<Listener> forCache = listeners.computeIfAbsent(cacheName, name -> new CopyOnWriteArrayList<>());
    forCache.add(listener);
    return () -> forCache.remove(listener);
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
    if (!started) {
      return CompletableFuture.failedFuture(
          new CacheUnavailableException("invalidation channel " + broadcast + " has not started: " + notStarted, null));
    }
    return send(InvalidationMessage.INVALIDATION, cacheName, event.kind().name(), event.keys(), true, unacknowledged);
  }

  private CompletableFuture<Void> send(
      String type,
      @Nullable String cache,
      @Nullable String kind,
      List<String> keys,
      boolean acknowledged,
      @Nullable Runnable unacknowledgedHook) {
    sendLock.lock(); // sequence order and wire order must agree, or receivers see false gaps
    try {
      long seq = InvalidationMessage.INVALIDATION.equals(type) ? lastSeq.incrementAndGet() : lastSeq.get();
      byte[] bytes = new InvalidationMessage(InvalidationMessage.VERSION, type, instanceId, seq, cache, kind, keys).toBytes();
      InvalidationAcks.Wait waiting = null;
      if (acknowledged) {
        Set<String> known = peers.known();
        waiting =
            whenUnacknowledged == Unacknowledged.FAIL
                ? acks.expect(seq, known, Set.of())
                : acks.expect(seq, peers.responsive(), known);
      }
      CompletableFuture<Long> published = publisher.publish(broadcast, bytes);
      if (waiting == null) {
        return published.thenApply(receivers -> null);
      }
      return acks.await(published, waiting, ackTimeout, peers::unresponsive)
          .thenCompose(missed -> missed.isEmpty() ? DONE : unacknowledged(cache, kind, keys, missed, unacknowledgedHook));
    } finally {
      sendLock.unlock();
    }
  }

  /** Counts a write {@code missed} did not acknowledge, tells its cache, and ends it as configured. */
  private CompletableFuture<Void> unacknowledged(
      @Nullable String cache, @Nullable String kind, List<String> keys, Set<String> missed, @Nullable Runnable hook) {
    unacknowledged.incrementAndGet();
    if (hook != null) {
      try {
        hook.run();
      } catch (RuntimeException e) {
        // the cache's counter; it must not turn a delivered write into a failed one
      }
    }
    if (whenUnacknowledged == Unacknowledged.PROCEED) {
      return DONE;
    }
    String shown = keys.size() <= 10 ? keys.toString() : keys.subList(0, 10) + " and " + (keys.size() - 10) + " more";
    return CompletableFuture.failedFuture(
        new CacheTimeoutException(
            "invalidation of cache '" + cache + "' (" + kind + " " + shown + ") was not acknowledged within "
                + ackTimeout.toMillis() + " ms by instance(s) " + new TreeSet<>(missed)
                + "; they may still serve the old value",
            null));
  }

  private void receive(String channel, byte[] bytes) {
    InvalidationMessage message = InvalidationMessage.parse(bytes);
    if (message == null) {
      return; // not ours; nothing to apply
    }
    if (message.v() != InvalidationMessage.VERSION) {
      flushAll(); // a peer speaks another version: we cannot tell what it invalidated
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
      flushAll();
    }
    if (InvalidationMessage.INVALIDATION.equals(message.type())) {
      apply(message);
      acknowledge(message);
    } else if (InvalidationMessage.HELLO.equals(message.type())) {
      acknowledge(message);
    }
  }

  private void acknowledge(InvalidationMessage message) {
    byte[] ack = InvalidationMessage.control(InvalidationMessage.ACK, instanceId, message.seq()).toBytes();
    publisher.publish(broadcast + ":ack:" + message.from(), ack);
  }

  private void apply(InvalidationMessage message) {
    List<Listener> forCache = message.cache() == null ? null : listeners.get(message.cache());
    if (forCache == null || forCache.isEmpty()) {
      return;
    }
    Event event;
    try {
      event = new Event(Kind.valueOf(message.kind()), message.keys() == null ? List.of() : message.keys());
    } catch (RuntimeException unknownKind) {
      forCache.forEach(Listener::onPossibleLoss);
      return;
    }
    forCache.forEach(listener -> listener.onEvent(event));
  }

  /** One heartbeat: announce ourselves, then look for every kind of silent loss. */
  private void beat() {
    if (closed.get()) {
      return;
    }
    if (!started) {
      if (start()) {
        LOG.log(System.Logger.Level.INFO, "invalidation channel {0} started", broadcast);
      }
      return;
    }
    try {
      long now = System.nanoTime();
      self.beatStarts(now);
      send(InvalidationMessage.HEARTBEAT, null, null, List.of(), false, null);
      if (peers.forgetSilent(now, 3 * heartbeat.toNanos())) {
        flushAll(); // an instance vanished without goodbye: its last messages may be lost
      }
      self.beatEnds(now);
    } catch (RuntimeException e) {
      // the next beat tries again; a failed send has consumed no sequence number
    }
  }

  private void flushAll() {
    flushes.incrementAndGet();
    listeners.values().forEach(forCache -> forCache.forEach(Listener::onPossibleLoss));
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
    if (started) { // a channel that never started has no one to say goodbye to and no marker
      try {
        sendLock.lock();
        try {
          byte[] bye = InvalidationMessage.control(InvalidationMessage.BYE, instanceId, lastSeq.get()).toBytes();
          publisher.publish(broadcast, bye).get(1, TimeUnit.SECONDS);
          self.removeMarker().get(1, TimeUnit.SECONDS); // leave nothing behind
        } finally {
          sendLock.unlock();
        }
      } catch (Exception e) {
        // receivers will notice the missing heartbeats instead
      }
    }
    InvalidationSubscriber current = subscriber;
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
     * Sets the heartbeat interval (default 500 ms); silence for three beats counts as loss.
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

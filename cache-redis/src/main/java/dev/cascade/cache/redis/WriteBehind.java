package dev.cascade.cache.redis;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheException;
import dev.cascade.cache.redis.internal.ChangeSink;
import dev.cascade.cache.redis.internal.ConsumerCounters;
import dev.cascade.cache.redis.internal.ConsumerSettings;
import dev.cascade.cache.redis.internal.QueuedChange;
import dev.cascade.cache.redis.internal.WriteBehindConsumer;
import dev.cascade.cache.redis.internal.WriteBehindStreams;
import dev.cascade.cache.spi.Codec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Durable write-behind on Redis Streams: {@link #put} and {@link #delete} return once Redis holds
 * the change in a queue, and a consumer ({@link #start()}, in this or another instance) writes the
 * queued changes to the system of record in batches, through the user's {@link BatchWriter}.
 *
 * <pre>{@code
 * WriteBehind<Long, Product> products = WriteBehind.builder(backend, "products", cache)
 *     .keyCodec(JsonCodec.of(Long.class))
 *     .valueCodec(JsonCodec.of(Product.class))
 *     .writer(batch -> repository.apply(batch))
 *     .build()
 *     .start();
 * products.put(7L, lamp);                                    // durable in Redis when it returns
 * Product p = cache.get(7L, products.loader(repository::find)); // loads see queued changes first
 * }</pre>
 *
 * <p>Guarantees (see docs/writes.md): a change is acknowledged only once Redis accepted it (how
 * durable that is depends on Redis's {@code appendonly}/{@code appendfsync}); it is written at least
 * once (duplicates are possible after a crash or a failure); the changes of one key are written in
 * the order they were queued, because a key always maps to one partition and one consumer at a time
 * (holding the partition's lease) applies a partition in stream order; and while a change is queued,
 * loads through {@link #loader} return it instead of the database's older value. A change the
 * writer keeps failing on moves to a dead-letter stream after {@code maxDeliveries} deliveries, so
 * the rest keeps flowing.
 *
 * <p>Redis keys: per partition {@code p}, {@code cascade:wb:{<name>:<p>}:stream}, {@code :pending},
 * {@code :lease} and {@code :dead}; the hash tag keeps each partition in one Redis Cluster slot.
 * Every instance of a service must use the same name, codecs and number of partitions.
 *
 * <p>Thread-safe. Close it before the backend; closing neither closes the cache nor the backend.
 */
public final class WriteBehind<K, V> implements AutoCloseable {
  private static final Duration DEFAULT_CLOSE_DEADLINE = Duration.ofSeconds(10);

  private final String name;
  private final Cache<K, V> cache;
  private final Codec<K> keyCodec;
  private final Codec<V> valueCodec;
  private final @Nullable BatchWriter<K, V> writer;
  private final RedisBackend backend;
  private final WriteBehindStreams streams;
  private final long maxLength;
  private final Duration fullQueueWait;
  private final ConsumerSettings settings;
  private final ConsumerCounters counters = new ConsumerCounters();
  private final ReentrantLock lifecycle = new ReentrantLock();
  private @Nullable WriteBehindConsumer consumer; // guarded by lifecycle
  private volatile boolean closed;

  WriteBehind(WriteBehindBuilder<K, V> options, ConsumerSettings settings, long maxLength, Duration fullQueueWait) {
    this.name = options.name;
    this.cache = options.cache;
    this.keyCodec = Objects.requireNonNull(options.keyCodec);
    this.valueCodec = Objects.requireNonNull(options.valueCodec);
    this.writer = options.writer;
    this.backend = options.backend;
    this.streams = WriteBehindStreams.of(backend.commandLink(), name);
    this.maxLength = maxLength;
    this.fullQueueWait = fullQueueWait;
    this.settings = settings;
  }

  /**
   * Returns a builder of a write-behind queue named {@code name} on {@code backend}'s connections,
   * which keeps {@code cache} current.
   *
   * @throws IllegalArgumentException if {@code name} is empty or holds a brace (it goes into a
   *     Redis Cluster hash tag)
   */
  public static <K, V> WriteBehindBuilder<K, V> builder(RedisBackend backend, String name, Cache<K, V> cache) {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(cache, "cache");
    if (name.isEmpty() || name.indexOf('{') >= 0 || name.indexOf('}') >= 0) {
      throw new IllegalArgumentException("name must be non-empty and hold no brace, was '" + name + "'");
    }
    return new WriteBehindBuilder<>(backend, name, cache);
  }

  /**
   * What {@link #close(Duration)} runs once the queue is closed: the removal of the meters {@link
   * WriteBehindMetrics} registered. Each action also holds those meters' state, so that it lives
   * exactly as long as this queue (Micrometer holds it weakly).
   */
  private final List<Runnable> closeActions = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Runs {@code action} once this queue is closed: at once if it is closed already. */
  void onClose(Runnable action) {
    closeActions.add(action);
    if (closed) { // set before close runs the actions, so an action added meanwhile runs here or there
      runCloseActions();
    }
  }

  private void runCloseActions() {
    for (Runnable action : closeActions) {
      if (closeActions.remove(action)) { // once, however many threads run them
        action.run();
      }
    }
  }

  /** Returns the queue's name. */
  public String name() {
    return name;
  }

  /**
   * Queues {@code key = value} and returns once Redis holds it; then puts it into the cache as a
   * write-through would ({@link Cache#write}: ordered with loads of the key in this JVM, every tier
   * and instance updated).
   *
   * @throws WriteBehindFullException if the key's partition stayed full for {@code fullQueueWait}
   *     (the change was not queued; the cache is unchanged)
   * @throws CacheException if Redis did not accept the change in time (it may or may not be queued;
   *     the cache is unchanged), or if it was queued but a remote tier of the cache then failed
   * @throws IllegalStateException if this queue is closed
   */
  public void put(K key, V value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    requireOpen();
    cache.write(key, value, (k, v) -> enqueue(k, valueCodec.encode(v), false));
  }

  /**
   * Queues the deletion of {@code key} and returns once Redis holds it; then invalidates the key in
   * the cache as a write-through delete would ({@link Cache#delete}).
   *
   * @throws WriteBehindFullException if the key's partition stayed full for {@code fullQueueWait}
   * @throws CacheException if Redis did not accept the change in time, or a remote tier failed after
   * @throws IllegalStateException if this queue is closed
   */
  public void delete(K key) {
    Objects.requireNonNull(key, "key");
    requireOpen();
    cache.delete(key, k -> enqueue(k, new byte[0], true));
  }

  /**
   * Returns a loader for {@link Cache#get(Object, Function)} that returns a key's queued value (or
   * {@code null} for a queued delete) while a change of it waits in the queue, and asks {@code
   * databaseLoader} otherwise. Every load of a key written through this queue must go through it:
   * a load that asks the database directly may cache the database's older value while a newer one
   * is queued. A queued delete returns {@code null}, which a cache that does not cache absences
   * rejects (as it rejects any loader's null).
   *
   * <p>The returned function asks Redis first (one command, bounded by the backend's timeout): it
   * throws {@link CacheException} if Redis cannot answer, rather than risk an older value.
   */
  public Function<K, @Nullable V> loader(Function<? super K, ? extends @Nullable V> databaseLoader) {
    Objects.requireNonNull(databaseLoader, "databaseLoader");
    return key -> {
      byte[] encoded = keyCodec.encode(key);
      QueuedChange queued = join(streams.queued(partition(encoded), encoded));
      if (queued == null) {
        return databaseLoader.apply(key);
      }
      return queued.delete() ? null : valueCodec.decode(queued.value());
    };
  }

  /**
   * Starts this instance's consumer: a thread that takes the leases of free partitions (and renews
   * them every poll interval), and per partition a thread with its own connection that, while it
   * holds the lease, first applies the partition's pending changes (those a dead or stopped consumer
   * left), then reads new ones in batches and hands them to the writer. Any number of instances may
   * run a consumer; each partition is drained by one at a time. Returns this queue.
   *
   * @throws IllegalStateException if no writer was given, if already started, or if closed
   * @throws CacheException if the connections cannot be opened
   */
  public WriteBehind<K, V> start() {
    if (writer == null) {
      throw new IllegalStateException("write-behind " + name + " has no writer: give the builder one to start a consumer");
    }
    lifecycle.lock();
    try {
      requireOpen();
      if (consumer != null) {
        throw new IllegalStateException("write-behind " + name + " is already started");
      }
      Duration readTimeout = backend.commandLink().timeout().plus(settings.blockTime());
      consumer = WriteBehindConsumer.start(streams, () -> backend.openLink(readTimeout), new Sink(writer), settings, counters);
      return this;
    } finally {
      lifecycle.unlock();
    }
  }

  /**
   * Returns the queue's figures: length, pending entries, oldest pending age and dead letters from
   * Redis (every partition, every instance), batches and retries of this instance's consumer.
   *
   * @throws CacheException if Redis cannot answer in time
   */
  public WriteBehindStats stats() {
    List<CompletableFuture<WriteBehindStreams.PartitionFigures>> replies = new ArrayList<>();
    for (int partition = 0; partition < settings.partitions(); partition++) {
      replies.add(streams.figures(partition));
    }
    long length = 0;
    long pending = 0;
    long dead = 0;
    Duration oldest = Duration.ZERO;
    for (CompletableFuture<WriteBehindStreams.PartitionFigures> reply : replies) {
      WriteBehindStreams.PartitionFigures figures = join(reply);
      length += figures.length();
      pending += figures.pending();
      dead += figures.deadLetters();
      oldest = figures.oldestAge().compareTo(oldest) > 0 ? figures.oldestAge() : oldest;
    }
    return new WriteBehindStats(length, pending, oldest, dead, counters.batches(), counters.retries());
  }

  /** Returns the partition (0 to partitions - 1) that {@code key}'s changes go through. */
  public int partition(K key) {
    return partition(keyCodec.encode(Objects.requireNonNull(key, "key")));
  }

  /** Returns the name this instance's consumer reads and holds leases as. */
  public String consumerName() {
    return settings.consumer();
  }

  /**
   * Closes the queue: {@link #put} and {@link #delete} refuse further changes; the consumer, if
   * started, stops reading at once, lets each partition finish and acknowledge the batch it is
   * writing until {@code deadline}, then interrupts the rest, whose changes stay queued for the next
   * consumer (they are written again: at least once). The partitions it stopped cleanly are released
   * so that another consumer takes them at once; the others lapse after {@code minIdle}. The meters
   * {@link WriteBehindMetrics} registered for the queue are removed. Idempotent.
   *
   * @return whether every partition stopped cleanly within the deadline
   */
  public boolean close(Duration deadline) {
    Objects.requireNonNull(deadline, "deadline");
    lifecycle.lock();
    try {
      closed = true;
      WriteBehindConsumer running = consumer;
      consumer = null;
      return running == null || running.close(deadline);
    } finally {
      lifecycle.unlock();
      runCloseActions();
    }
  }

  /** Closes the queue with a 10-second deadline; see {@link #close(Duration)}. */
  @Override
  public void close() {
    close(DEFAULT_CLOSE_DEADLINE);
  }

  private Void enqueue(K key, byte[] value, boolean delete) {
    byte[] encoded = keyCodec.encode(key);
    int partition = partition(encoded);
    long giveUpAt = System.nanoTime() + fullQueueWait.toNanos();
    while (true) {
      String id = join(streams.append(partition, maxLength, encoded, delete, value));
      if (id != null) {
        return null;
      }
      if (System.nanoTime() - giveUpAt >= 0) {
        throw new WriteBehindFullException(name, partition, maxLength);
      }
      // back-pressure: the producer waits for the consumer to make room
      LockSupport.parkNanos(Math.min(settings.pollInterval().toNanos(), Duration.ofMillis(50).toNanos()));
    }
  }

  private int partition(byte[] encodedKey) {
    return Math.floorMod(Arrays.hashCode(encodedKey), settings.partitions());
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("write-behind " + name + " is closed");
    }
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
    }
  }

  /** The user's writer behind the codecs, and the cache told about dead letters. */
  private final class Sink implements ChangeSink {
    private final BatchWriter<K, V> writer;

    Sink(BatchWriter<K, V> writer) {
      this.writer = writer;
    }

    @Override
    public void apply(List<QueuedChange> changes) throws Exception {
      List<Change<K, V>> batch = new ArrayList<>(changes.size());
      for (QueuedChange change : changes) {
        K key = keyCodec.decode(change.key());
        V value = change.delete() ? null : valueCodec.decode(change.value());
        batch.add(new Change<>(key, value, change.id(), partition(change.key())));
      }
      writer.write(Collections.unmodifiableList(batch));
    }

    @Override
    public void deadLettered(QueuedChange change) {
      // the database never got this change: drop the cache's copy so reads return to the database
      cache.invalidate(keyCodec.decode(change.key()));
    }
  }

  @Override
  public String toString() {
    return "WriteBehind[" + name + ", " + settings.partitions() + " partitions" + (closed ? ", closed]" : "]");
  }
}

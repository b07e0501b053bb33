package dev.cascade.cache.redis;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheEventListener;
import dev.cascade.cache.TierOperation;
import dev.cascade.cache.Stampede;
import dev.cascade.cache.codec.StringCodec;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One service instance of the randomized fault run, in its own JVM: a layered cache over Redis (its
 * own connections, through the run's fault proxy) with the invalidation channel and the Redis lease,
 * on which a few threads run random operations over a small key space for a while. Every operation
 * and every loader call is written to a history file, one line each, in {@link HistoryEvent}'s form,
 * with wall-clock microseconds (comparable between the run's processes: one machine, one clock).
 *
 * <p>Arguments: Redis address (host:port), instance id, seconds, seed, history file.
 */
public final class FaultRunWorker {
  static final int KEYS = 32;
  static final int THREADS = 3;
  static final Duration COMMAND_TIMEOUT = Duration.ofMillis(250);
  static final Duration ACK_TIMEOUT = Duration.ofMillis(500);
  static final Duration HEARTBEAT = Duration.ofMillis(250);
  static final Duration LOADER_TIME = Duration.ofMillis(20);
  static final Duration LEASE_MAX_WAIT = Duration.ofSeconds(1);

  private final Cache<String, String> cache;
  private final int instance;
  private final PrintWriter history;
  private final AtomicLong sequence = new AtomicLong();
  private final ReentrantLock writing;

  private FaultRunWorker(Cache<String, String> cache, int instance, PrintWriter history, ReentrantLock writing) {
    this.cache = cache;
    this.instance = instance;
    this.history = history;
    this.writing = writing;
  }

  /**
   * Writes each failed remote call the cache reports as a {@code tierError} event: the moments the
   * cache failed open (an unguarded load among them) without a fault of the nemesis, as when a
   * command times out on a machine too busy to answer in time.
   */
  private record TierFailures(int instance, PrintWriter history, ReentrantLock writing) implements CacheEventListener {
    @Override
    public void tierOperation(int tier, TierOperation operation, long nanos, @Nullable Throwable failure) {
      if (failure == null) {
        return;
      }
      long end = micros();
      HistoryEvent event = new HistoryEvent(instance, "tierError", operation.name(), failure.getClass().getSimpleName(), end - nanos / 1_000, end, "ok");
      writing.lock();
      try {
        history.println(event.line());
      } finally {
        writing.unlock();
      }
    }
  }

  public static void main(String[] args) throws Exception {
    String address = args[0];
    int instance = Integer.parseInt(args[1]);
    long seconds = Long.parseLong(args[2]);
    long seed = Long.parseLong(args[3]);
    Path file = Path.of(args[4]);
    RedisClient client = RedisClient.create(RedisTests.resources(), "redis://" + address);
    client.setOptions(ClientOptions.builder().disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
    ReentrantLock writing = new ReentrantLock();
    try (PrintWriter history = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), false);
        RedisBackend backend =
            RedisBackend.builder(client)
                .commandTimeout(COMMAND_TIMEOUT)
                .ackTimeout(ACK_TIMEOUT)
                .heartbeat(HEARTBEAT)
                .unacknowledged(RedisInvalidation.Unacknowledged.FAIL)
                .build();
        Cache<String, String> cache =
            Cache.<String, String>builder("faultrun")
                .inMemory(m -> m.maximumSize(1_000))
                .tier(backend.store())
                .valueCodec(StringCodec.create())
                .invalidation(backend.invalidation())
                .stampede(Stampede.distributed(backend.stampedeLock()).leaseTime(Duration.ofSeconds(2)).maxWait(LEASE_MAX_WAIT))
                .eventListener(inspector -> new TierFailures(instance, history, writing))
                .build()) {
      FaultRunWorker worker = new FaultRunWorker(cache, instance, history, writing);
      long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        SplittableRandom random = new SplittableRandom(seed * 31 + instance * 7L + t);
        Thread thread = new Thread(() -> worker.run(random, end), "faultrun-" + instance + "-" + t);
        threads.add(thread);
        thread.start();
      }
      for (Thread thread : threads) {
        thread.join();
      }
      history.flush();
    } finally {
      client.shutdown();
    }
  }

  private void run(SplittableRandom random, long endNanos) {
    while (System.nanoTime() < endNanos) {
      // Reads go to all the keys; writes mostly to the first half: the second half is read-mostly,
      // so that a copy an instance should have dropped stays there long enough to be read stale.
      String key = "k" + random.nextInt(KEYS);
      String written = "k" + (random.nextInt(100) == 0 ? KEYS / 2 + random.nextInt(KEYS / 2) : random.nextInt(KEYS / 2));
      int dice = random.nextInt(10_000);
      if (dice < 3_000) {
        timed("read", key, "-", () -> cache.getIfPresent(key));
      } else if (dice < 6_000) {
        timed("load", key, "-", () -> cache.get(key, k -> load(k, "loader")));
      } else if (dice < 7_500) {
        String value = newValue("P");
        timed("put", written, value, () -> {
          cache.put(written, value, Duration.ofMinutes(5), tagOf(written));
          return value;
        });
      } else if (dice < 8_500) {
        timed("invalidate", written, "-", () -> {
          cache.invalidate(written);
          return null;
        });
      } else if (dice < 9_200) {
        String tag = "t" + random.nextInt(3);
        timed("invalidateTag", tag, "-", () -> {
          cache.invalidateTag(tag);
          return null;
        });
      } else if (dice < 9_999) {
        List<String> keys = List.of("k" + random.nextInt(KEYS), "k" + random.nextInt(KEYS), "k" + random.nextInt(KEYS));
        timed("getAll", String.join(",", keys), "-", () -> {
          Map<String, String> found = cache.getAll(keys, missing -> {
            Map<String, String> loaded = new HashMap<>();
            for (String each : missing) {
              loaded.put(each, load(each, "bulkLoader"));
            }
            return loaded;
          });
          List<String> pairs = new ArrayList<>();
          found.forEach((k, v) -> pairs.add(k + "=" + v));
          return String.join(",", pairs);
        });
      } else {
        timed("invalidateAll", "*", "-", () -> {
          cache.invalidateAll();
          return null;
        });
      }
    }
  }

  /** The tag of every value put under {@code key}: one of three. */
  static String tagOf(String key) {
    return "t" + (Integer.parseInt(key.substring(1)) % 3);
  }

  private String newValue(String kind) {
    return kind + instance + "-" + sequence.incrementAndGet();
  }

  /**
   * The loader ({@code kind} {@code loader}, or {@code bulkLoader} for one key of a {@code getAll}'s
   * bulk loader): a new value each call (the database changed), taking {@link #LOADER_TIME}.
   */
  private String load(String key, String kind) {
    long start = micros();
    String value = newValue("L");
    try {
      Thread.sleep(LOADER_TIME.toMillis()); // the database's work, which a lease exists to spare
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    write(new HistoryEvent(instance, kind, key, value, start, micros(), "ok"));
    return value;
  }

  private interface Call {
    Object run() throws Exception;
  }

  private void timed(String kind, String key, String argument, Call call) {
    long start = micros();
    String outcome;
    String value = argument;
    try {
      Object result = call.run();
      if (!kind.equals("put")) {
        value = result == null ? "-" : result.toString();
      }
      outcome = "ok";
    } catch (Throwable e) { // the checker decides which types are allowed
      outcome = "err:" + e.getClass().getName();
    }
    write(new HistoryEvent(instance, kind, key, value, start, micros(), outcome));
  }

  private void write(HistoryEvent event) {
    writing.lock();
    try {
      history.println(event.line());
    } finally {
      writing.unlock();
    }
  }

  static long micros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}

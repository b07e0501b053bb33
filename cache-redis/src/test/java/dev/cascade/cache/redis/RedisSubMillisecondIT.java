package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.redis.internal.RedisLink;
import dev.cascade.cache.redis.internal.WriteBehindStreams;
import dev.cascade.cache.spi.Lease;
import dev.cascade.cache.spi.RemoteStore;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Durations under a millisecond, which Redis cannot take as they are ({@code PX 0} is refused with
 * "invalid expire time", {@code PEXPIRE 0} deletes the key): every command that sends a TTL sends
 * at least 1 ms, and a fractional millisecond is rounded up, never down. The rounding is read back
 * from the server's own record of the commands it ran ({@code SLOWLOG} with a threshold of 0).
 */
class RedisSubMillisecondIT {
  @RegisterExtension static final RedisSetup redis = RedisSetup.standalone();

  private static final Duration HALF_A_MILLISECOND = Duration.ofNanos(500_000);
  private static final Duration ONE_AND_A_HALF_MILLISECONDS = Duration.ofNanos(1_500_000);

  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
    redis.server().command(0, "CONFIG", "SET", "slowlog-log-slower-than", "10000");
  }

  @Test
  void tryAcquire_subMillisecondLease_takesTheLeaseForOneMillisecond() {
    RedisStampedeLock lock = lock();
    recordCommands();

    Lease lease = lock.tryAcquire("sub-ms:lease", HALF_A_MILLISECOND).join();
    Lease over = lock.tryAcquireOver("sub-ms:over", new byte[] {1}, HALF_A_MILLISECOND).join();

    assertThat(lease).as("the lease of a free key").isNotNull();
    assertThat(over).as("the lease beside a value").isNotNull();
    assertThat(pxOf("SET", "sub-ms:lease")).isEqualTo("1");
  }

  @Test
  void tryAcquire_fractionalMilliseconds_roundsUp() {
    RedisStampedeLock lock = lock();
    recordCommands();

    assertThat(lock.tryAcquire("sub-ms:round", ONE_AND_A_HALF_MILLISECONDS).join()).isNotNull();

    assertThat(pxOf("SET", "sub-ms:round")).as("1.5 ms is sent as 2 ms, never as 1").isEqualTo("2");
  }

  @Test
  void storeWrites_subMillisecondTtl_areWrittenWithOneMillisecond() {
    RedisTier store = redis.store();
    recordCommands();

    store.put("sub-ms:put", new byte[] {1}, HALF_A_MILLISECOND).join();
    store.putAll(Map.of("sub-ms:all", new RemoteStore.Write(new byte[] {2}, HALF_A_MILLISECOND))).join();
    assertThat(store.putIfAbsent("sub-ms:absent", new byte[] {3}, HALF_A_MILLISECOND).join()).isTrue();
    store.getAndTouch("sub-ms:touch", HALF_A_MILLISECOND).join();

    assertThat(pxOf("SET", "sub-ms:put")).isEqualTo("1");
    assertThat(pxOf("SET", "sub-ms:all")).isEqualTo("1");
    assertThat(pxOf("SET", "sub-ms:absent")).isEqualTo("1");
    assertThat(pxOf("GETEX", "sub-ms:touch")).isEqualTo("1");
  }

  @Test
  void writeBehindLease_subMillisecondMinIdle_isTakenAndExtendedWithOneMillisecond() {
    WriteBehindStreams streams = WriteBehindStreams.of(link(), "sub-ms");

    assertThat(streams.keepLease(0, "consumer-a", HALF_A_MILLISECOND).join()).as("taken").isEqualTo(2L);

    redis.server().command(0, "SET", streams.lease(0), "consumer-b", "PX", "30000"); // b holds it now
    recordCommands();
    assertThat(streams.keepLease(0, "consumer-b", ONE_AND_A_HALF_MILLISECONDS).join()).as("extended").isEqualTo(1L);
    assertThat(lastArgumentOf("EVAL", streams.lease(0))).as("the lease's TTL in ms, rounded up").isEqualTo("2");
  }

  @Test
  void invalidationMarker_heartbeatOf40Microseconds_isPlaced() {
    InvalidationSelfCheck self = new InvalidationSelfCheck(link(), "sub-ms:marker", Duration.ofNanos(40_000), () -> {});
    recordCommands();

    self.placeMarker(); // 20 beats: 800 µs

    assertThat(pxOf("SET", "sub-ms:marker")).isEqualTo("1");
  }

  private RedisStampedeLock lock() {
    RedisStampedeLock lock = RedisTests.relaxedLock((RedisClient) redis.client());
    opened.add(lock);
    return lock;
  }

  private RedisLink link() {
    RedisLink link = RedisLink.connect((RedisClient) redis.client(), RedisTests.RELAXED_TIMEOUT);
    opened.add(link);
    return link;
  }

  /** Makes the server record every command it runs, from now on. */
  private static void recordCommands() {
    redis.server().command(0, "CONFIG", "SET", "slowlog-log-slower-than", "0");
    redis.server().command(0, "SLOWLOG", "RESET");
  }

  /** Returns the argument after {@code PX} of the last {@code command} on {@code key} the server ran. */
  private static String pxOf(String command, String key) {
    List<String> args = lastRun(command, key);
    int px = args.stream().map(arg -> arg.toUpperCase(Locale.ROOT)).toList().indexOf("PX");
    assertThat(px).as("PX in " + args).isNotNegative();
    return args.get(px + 1);
  }

  /** Returns the last argument of the last {@code command} on {@code key} the server ran. */
  private static String lastArgumentOf(String command, String key) {
    List<String> args = lastRun(command, key);
    return args.get(args.size() - 1);
  }

  /**
   * Returns the arguments of the last command whose name starts with {@code command} ({@code EVAL}
   * finds {@code EVALSHA} too) and that names {@code key}, as the server's slow log recorded them.
   */
  @SuppressWarnings("unchecked")
  private static List<String> lastRun(String command, String key) {
    List<Object> entries = (List<Object>) redis.server().command(0, "SLOWLOG", "GET", "1000");
    for (Object entry : entries) { // newest first
      List<Object> args = (List<Object>) ((List<Object>) entry).get(3);
      List<String> text = args.stream().map(String::valueOf).toList();
      if (text.get(0).toUpperCase(Locale.ROOT).startsWith(command) && text.contains(key)) {
        return text;
      }
    }
    throw new AssertionError("the server ran no " + command + " on " + key + "; it ran " + entries);
  }
}

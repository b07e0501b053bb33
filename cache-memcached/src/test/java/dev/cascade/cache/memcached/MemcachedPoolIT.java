package dev.cascade.cache.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.testkit.MemcachedServerExtension;
import dev.cascade.cache.testkit.Timing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A pool of three real servers losing one: only that server's keys miss, no call waits past the
 * command timeout plus {@link Timing#SLACK} (the one timing bound the issue asks for), and the
 * server is used again once it is back.
 */
class MemcachedPoolIT {
  @RegisterExtension static final MemcachedServerExtension MEMCACHED = MemcachedServerExtension.servers(3);

  // Long enough that a busy machine does not fail the setup, short enough to show calls never
  // wait for a dead or frozen server.
  private static final Duration TIMEOUT = Duration.ofMillis(1000);
  private static final long BOUND_NANOS = Timing.boundNanos(TIMEOUT);

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final MemcachedTier tier =
      MemcachedTier.create(
          MemcachedConfig.builder()
              .servers(MEMCACHED.addresses().toArray(String[]::new))
              .commandTimeout(TIMEOUT)
              .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(500))
              .build());

  @AfterEach
  void close() {
    tier.close();
    for (int i = 0; i < MEMCACHED.size(); i++) {
      if (!MEMCACHED.process(i).isAlive()) {
        MEMCACHED.process(i).restart();
      }
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private List<String> writeKeys(int count) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String key = "cascade:pool-" + run + ":" + i;
      keys.add(key);
      tier.put(key, bytes("v" + i), null).join();
    }
    return keys;
  }

  @Test
  void keys_spreadOverTheThreeServers() {
    Map<String, Integer> perServer = new HashMap<>();
    for (String key : writeKeys(300)) {
      perServer.merge(tier.serverFor(key), 1, Integer::sum);
    }

    assertThat(perServer).containsOnlyKeys(MEMCACHED.addresses());
    perServer.values().forEach(count -> assertThat(count).isBetween(40, 180));
    tier.stats().join().forEach(stats -> assertThat(stats.currItems()).isPositive());
  }

  @Test
  void getAllInOrder_keysOnThreeServers_eachValueAtItsKeysPosition_nullForAbsentKeys() {
    List<String> written = writeKeys(300);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < written.size(); i++) {
      keys.add(written.get(i));
      if (i % 10 == 0) {
        keys.add("cascade:pool-" + run + ":absent-" + i);
      }
    }
    java.util.Collections.shuffle(keys, new java.util.Random(19));

    List<byte[]> values = tier.getAllInOrder(keys).join();

    assertThat(values).hasSize(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      String suffix = key.substring(key.lastIndexOf(':') + 1);
      assertThat(values.get(i)).as(key).isEqualTo(suffix.startsWith("absent") ? null : bytes("v" + suffix));
    }
    assertThat(tier.getAllInOrder(List.of()).join()).isEmpty();
  }

  @Test
  void serverKilled_onlyItsKeysMiss_fast_andItIsUsedAgainWhenBack() {
    List<String> keys = writeKeys(300);
    String victim = MEMCACHED.address(1);

    MEMCACHED.process(1).kill();

    AtomicLong slowest = new AtomicLong();
    for (int round = 0; round < 3; round++) { // the first round meets the dead connection
      for (int i = 0; i < keys.size(); i++) {
        String key = keys.get(i);
        if (tier.serverFor(key).equals(victim)) {
          assertThat(timedGet(key, slowest)).as(key).isNull();
        } else {
          assertThat(timed(() -> tier.get(key), slowest)).as(key).isEqualTo(bytes("v" + i));
        }
      }
    }
    Map<String, byte[]> found = timed(() -> tier.getAll(keys), slowest);
    assertThat(found.keySet()).allMatch(key -> !tier.serverFor(key).equals(victim));
    assertThat(found).hasSize((int) keys.stream().filter(key -> !tier.serverFor(key).equals(victim)).count());
    List<byte[]> inOrder = timed(() -> tier.getAllInOrder(keys), slowest);
    assertThat(inOrder).hasSize(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      boolean onVictim = tier.serverFor(keys.get(i)).equals(victim);
      assertThat(inOrder.get(i)).as(keys.get(i)).isEqualTo(onVictim ? null : bytes("v" + i));
    }
    assertThat(slowest.get()).as("slowest call, ns").isLessThanOrEqualTo(BOUND_NANOS);
    assertThat(tier.stats().join()).filteredOn(stats -> stats.server().equals(victim)).allMatch(stats -> !stats.up());

    MEMCACHED.process(1).restart();

    String victimKey = keys.stream().filter(key -> tier.serverFor(key).equals(victim)).findFirst().orElseThrow();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .ignoreExceptions()
        .untilAsserted(() -> tier.put(victimKey, bytes("back"), null).join());
    assertThat(tier.get(victimKey).join()).isEqualTo(bytes("back"));
  }

  @Test
  void serverPaused_callsFailWithinTheTimeout_andRecoverAfterResume() {
    List<String> keys = writeKeys(150);
    String victim = MEMCACHED.address(2);
    MEMCACHED.process(2).pause();
    AtomicLong slowest = new AtomicLong();
    try {
      // 64 calls in flight at a time, as a busy service would have.
      for (int from = 0; from < keys.size(); from += 64) {
        List<CompletableFuture<Void>> inFlight = new ArrayList<>();
        for (int i = from; i < Math.min(keys.size(), from + 64); i++) {
          String key = keys.get(i);
          byte[] expected = bytes("v" + i);
          long start = System.nanoTime();
          inFlight.add(
              tier.get(key)
                  .handle(
                      (value, error) -> {
                        slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
                        if (!tier.serverFor(key).equals(victim)) {
                          assertThat(error).as(key).isNull();
                          assertThat(value).as(key).isEqualTo(expected);
                        } else {
                          assertThat(value).as(key).isNull(); // a miss or a timeout, never a wrong value
                        }
                        return null;
                      }));
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
      }
      assertThat(slowest.get()).as("slowest call, ns").isLessThanOrEqualTo(BOUND_NANOS);
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      MEMCACHED.process(2).resume();
    }

    String victimKey = keys.stream().filter(key -> tier.serverFor(key).equals(victim)).findFirst().orElseThrow();
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(tier.get(victimKey).join()).isNotNull());
  }

  private byte[] timedGet(String key, AtomicLong slowest) {
    try {
      return timed(() -> tier.get(key), slowest);
    } catch (CompletionException e) {
      return null; // for the dead server's keys, a timeout on the dying connection is a miss too
    }
  }

  private static <T> T timed(java.util.function.Supplier<CompletableFuture<T>> call, AtomicLong slowest) {
    long start = System.nanoTime();
    try {
      return call.get().join();
    } finally {
      slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
    }
  }
}

package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.testkit.RemoteSlidingTtlContract;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.sync.RedisKeyCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sliding TTL contract on a real Redis, whose own clock rules TTLs: the store's TTL is read with
 * {@code PTTL} and set with {@code PEXPIRE} on a connection of the test's own. Adds what only Redis
 * shows: a sliding read is one {@code GETEX} per key, never a {@code GET} (or {@code MGET}) followed
 * by an {@code EXPIRE}, in the server's own command statistics. Subclasses give the server and may
 * put an in-process tier in front.
 */
abstract class RedisSlidingTtlContract extends RemoteSlidingTtlContract {
  private @Nullable StatefulConnection<String, String> connection;
  private @Nullable RedisKeyCommands<String, String> keys;

  abstract RedisSetup redis();

  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name).tier(redis().store()).valueCodec(StringCodec.create()).ticker(ticker);
  }

  @Override
  protected boolean storeFollowsTicker() {
    return false;
  }

  @Override
  protected @Nullable Duration storeTtl(String cacheName, String key) {
    long millis = keys().pttl(remoteKey(cacheName, key));
    if (millis == -2) {
      return null;
    }
    return millis == -1 ? ChronoUnit.FOREVER.getDuration() : Duration.ofMillis(millis);
  }

  @Override
  protected void setStoreTtl(String cacheName, String key, Duration ttl) {
    assertThat(keys().pexpire(remoteKey(cacheName, key), ttl.toMillis())).as("PEXPIRE of an existing key").isTrue();
  }

  private RedisKeyCommands<String, String> keys() {
    if (keys == null) {
      if (redis().client() instanceof RedisClusterClient cluster) {
        var opened = cluster.connect();
        connection = opened;
        keys = opened.sync();
      } else {
        var opened = ((RedisClient) redis().client()).connect();
        connection = opened;
        keys = opened.sync();
      }
    }
    return keys;
  }

  @AfterEach
  final void closeConnection() {
    if (connection != null) {
      connection.close();
    }
  }

  @Test
  void slidingReads_areOneGetexPerKey_neverGetOrMgetPlusExpire() {
    String name = name("slide-commands");
    Cache<String, String> cache = build(sliding(name, Duration.ofSeconds(100)));
    cache.putAll(Map.of("a", "1", "b", "2", "c", "3"));
    ticker.advance(Duration.ofSeconds(50)); // any in-process copy lapses: the reads reach Redis
    Map<String, Long> before = commandCalls();

    assertThat(cache.getIfPresent("a")).isEqualTo("1");
    assertThat(cache.getAll(List.of("b", "c"))).isEqualTo(Map.of("b", "2", "c", "3"));

    Map<String, Long> after = commandCalls();
    assertThat(delta(before, after, "getex")).isEqualTo(3);
    for (String plain : List.of("get", "mget", "expire", "pexpire", "getset", "eval", "evalsha")) {
      assertThat(delta(before, after, plain)).as(plain).isZero();
    }
  }

  /** Returns the calls of every command, summed over the servers, from {@code INFO commandstats}. */
  private Map<String, Long> commandCalls() {
    Map<String, Long> calls = new HashMap<>();
    for (int i = 0; i < redis().server().size(); i++) {
      String stats = (String) redis().server().command(i, "INFO", "commandstats");
      for (String line : stats.split("\r?\n")) {
        // cmdstat_getex:calls=3,usec=12,usec_per_call=4.00,rejected_calls=0,failed_calls=0
        if (line.startsWith("cmdstat_")) {
          String command = line.substring("cmdstat_".length(), line.indexOf(':'));
          String count = line.substring(line.indexOf("calls=") + "calls=".length(), line.indexOf(','));
          calls.merge(command, Long.parseLong(count), Long::sum);
        }
      }
    }
    return calls;
  }

  private static long delta(Map<String, Long> before, Map<String, Long> after, String command) {
    return after.getOrDefault(command, 0L) - before.getOrDefault(command, 0L);
  }
}

package dev.cascade.cache.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memcached.internal.Commands;
import dev.cascade.cache.memcached.internal.MetaResponse;
import dev.cascade.cache.testkit.MemcachedServerExtension;
import dev.cascade.cache.testkit.RemoteSlidingTtlContract;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;

/**
 * The sliding TTL contract on real memcached servers, whose own clock rules TTLs (in whole
 * seconds): the store's TTL is read with {@code mg <key> t} and set with {@code mg <key> T<s>},
 * sent beside the cache to the server that owns the key. Subclasses give the servers and may put an
 * in-process tier in front.
 */
abstract class MemcachedSlidingTtlContract extends RemoteSlidingTtlContract {
  private @Nullable MemcachedTier tier;

  abstract MemcachedServerExtension memcached();

  /** The tier of this test (one client per test, closed after it). */
  final MemcachedTier tier() {
    if (tier == null) {
      tier = MemcachedTier.create(
          MemcachedConfig.builder()
              .servers(memcached().addresses().toArray(String[]::new))
              // Generous: these tests are about behaviour, and the machine may be busy.
              .commandTimeout(Duration.ofSeconds(5))
              .build());
    }
    return tier;
  }

  @AfterEach
  final void closeTier() {
    if (tier != null) {
      tier.close();
    }
  }

  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name).tier(tier()).valueCodec(StringCodec.create()).ticker(ticker);
  }

  @Override
  protected boolean storeFollowsTicker() {
    return false;
  }

  @Override
  protected @Nullable Duration storeTtl(String cacheName, String key) {
    MetaResponse found = meta(remoteKey(cacheName, key), "t");
    if (found.is("EN")) {
      return null;
    }
    assertThat(found.is("HD")).as("mg t answered %s", found).isTrue();
    long seconds = found.longFlag('t', Long.MIN_VALUE);
    assertThat(seconds).as("mg t answered %s", found).isGreaterThanOrEqualTo(-1);
    return seconds == -1 ? ChronoUnit.FOREVER.getDuration() : Duration.ofSeconds(seconds);
  }

  @Override
  protected void setStoreTtl(String cacheName, String key, Duration ttl) {
    MetaResponse touched = meta(remoteKey(cacheName, key), "T" + ttl.toSeconds());
    assertThat(touched.is("HD")).as("mg T of an existing key answered %s", touched).isTrue();
  }

  /** Sends {@code mg <key> <flags>} to the server that owns {@code key}, beside the cache. */
  private MetaResponse meta(String key, String flags) {
    byte[] wire = Commands.wireKey(key);
    return tier().store().client().nodeFor(wire).submit(Commands.mg(Commands.keyOf(wire), flags)).join();
  }
}

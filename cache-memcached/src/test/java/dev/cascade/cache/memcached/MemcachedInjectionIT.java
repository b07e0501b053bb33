package dev.cascade.cache.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.testkit.MemcachedServerExtension;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile keys, at the store level (raw keys, which core would have hashed first) and through the
 * cache: every value round-trips, and nothing reaches the server as a command.
 */
class MemcachedInjectionIT {
  @RegisterExtension static final MemcachedServerExtension MEMCACHED = MemcachedServerExtension.single();

  private static final List<String> HOSTILE =
      List.of(
          "with space",
          "carriage\rreturn",
          "line\nfeed",
          "nul\0byte",
          "del\u007Fchar",
          "non-ascii-äöü-日本語-😀",
          "x".repeat(251),
          "y".repeat(1000),
          "x\r\nflush_all",
          "x\r\nflush_all\r\n",
          " mg canary v\r\n",
          "");

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final MemcachedTier tier = MemcachedTier.create(
        MemcachedConfig.builder()
            .servers(MEMCACHED.addresses().toArray(String[]::new))
            // Generous: these tests are about behaviour, and the machine may be busy.
            .commandTimeout(Duration.ofSeconds(5))
            .build());

  @AfterEach
  void close() {
    tier.close();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void rawKeys_roundTripAndLeaveTheCanary() {
    String canary = "canary-" + run;
    tier.put(canary, bytes("alive"), null).join();
    List<String> keys = new ArrayList<>();
    for (String hostile : HOSTILE) {
      keys.add(hostile); // outside any namespace
      keys.add("cascade:inj-" + run + ":" + hostile); // inside one
    }

    for (String key : keys) {
      tier.put(key, bytes("value of " + key), null).join();
    }
    for (String key : keys) {
      assertThat(tier.get(key).join()).as("key %s", key).isEqualTo(bytes("value of " + key));
    }
    Map<String, byte[]> all = tier.getAll(keys).join();
    assertThat(all).hasSize(keys.size());
    assertThat(tier.get(canary).join()).isEqualTo(bytes("alive"));
    assertThat(tier.putIfAbsent("x\r\nflush_all", bytes("again"), null).join()).isFalse();

    tier.deleteAll(keys).join();
    assertThat(tier.getAll(keys).join()).isEmpty();
    assertThat(tier.get(canary).join()).isEqualTo(bytes("alive"));
  }

  @Test
  void cacheKeys_roundTripAndLeaveTheCanary() {
    Cache<String, String> cache = Cache.<String, String>builder("inj-" + run).tier(tier).valueCodec(StringCodec.create()).build();
    cache.put("canary", "alive");

    for (String key : HOSTILE) {
      cache.put(key, "value of " + key);
    }

    for (String key : HOSTILE) {
      assertThat(cache.getIfPresent(key)).as("key %s", key).isEqualTo("value of " + key);
    }
    assertThat(cache.getAll(HOSTILE)).hasSize(HOSTILE.size());
    assertThat(cache.getIfPresent("canary")).isEqualTo("alive");
  }
}

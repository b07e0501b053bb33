package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryInvalidationBus;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An invalidation message names a key by its encoded form, which another instance's L1 reads back
 * (strings, integers, longs, UUIDs) or looks up in its alias index (every other key): each form
 * must reach the copy it names, and only that one.
 */
class KeyFormCoherenceTest {
  enum Region { EU }

  record Tenant(String id, Region region) {}

  private final InMemoryRemoteStore store = InMemoryRemoteStore.create();
  private final InMemoryInvalidationBus bus = new InMemoryInvalidationBus();
  private final Cache<Object, String> a = instance();
  private final Cache<Object, String> b = instance();

  private static final List<Object> KEYS =
      List.of(
          "alice", "i:42", 42, 42L, -7, Long.MIN_VALUE, UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
          (short) 42, new BigDecimal("42.0"), Region.EU, List.of(42, "x"), new Tenant("t1", Region.EU));

  private Cache<Object, String> instance() {
    return Cache.<Object, String>builder("forms")
        .inMemory(m -> m.maximumSize(1_000))
        .tier(store)
        .valueCodec(StringCodec.create())
        .invalidation(bus.newChannel())
        .build();
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
  }

  @Test
  void putOnA_ofAKeyOfEachForm_dropsBsCopyOfThatKeyOnly() {
    for (Object key : KEYS) {
      a.put(key, "v1 of " + key);
    }
    for (Object changed : KEYS) {
      for (Object key : KEYS) {
        assertThat(b.getIfPresent(key)).isNotNull(); // each key now in b's L1
      }

      a.put(changed, "v2 of " + changed);

      assertThat(b.getIfPresent(changed)).as("b's read of %s after a's put", changed).isEqualTo("v2 of " + changed);
      for (Object key : KEYS) {
        if (!key.equals(changed)) {
          long hits = b.inspect().localLookups().hits();
          b.getIfPresent(key);
          assertThat(b.inspect().localLookups().hits()).as("b's L1 copy of %s after a's put of %s", key, changed).isEqualTo(hits + 1);
        }
      }
    }
  }

  @Test
  void invalidateOnA_ofAKeyOfEachForm_isSeenByB() {
    for (Object key : KEYS) {
      a.put(key, "v1 of " + key);
      assertThat(b.getIfPresent(key)).isEqualTo("v1 of " + key);
    }

    for (Object key : KEYS) {
      a.invalidate(key);

      assertThat(b.getIfPresent(key)).as("b's read of %s after a's invalidate", key).isNull();
    }
  }
}

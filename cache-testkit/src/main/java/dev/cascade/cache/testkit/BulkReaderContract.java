package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.BytesCodec;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.spi.LeaseMarker;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.ValueReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * What a store's {@link RemoteStore#getAllInOrder(List, ValueReader)} must answer, and what a cache's
 * {@code getAll} (whose reader splits envelopes without tags) must keep meaning over it: each value
 * handed to the reader whole and alone, by position, {@code null} for absent keys, for plain keys and
 * for keys with spaces (which some stores read with other commands); a reader that throws fails the
 * whole read, and the store reads on afterwards; tagged, corrupt, lease and absent values beside
 * plain ones; and a {@code byte[]} cache hands every read arrays of its own.
 *
 * <p>A backend supplies {@link #store()}, one store per test or one shared (keys carry a run id).
 * Keys are remote keys, {@code cascade:<cacheName>:<key>} for the caches' entries.
 */
public abstract class BulkReaderContract {
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  /** The store under test. */
  protected abstract RemoteStore store();

  @Test
  void getAllInOrderWithReader_plainAndSpacedKeys_eachValueWholeAndAlone_byPosition_nullForAbsentKeys() {
    RemoteStore store = store();
    for (String separator : new String[] {"-", " "}) {
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String key = "cascade:reader" + separator + run + ":" + i;
        keys.add(key);
        if (i % 3 != 0) {
          store.put(key, bytes("v".repeat(i % 7) + i), null).join(); // lengths differ from key to key
        }
      }
      String empty = "cascade:reader" + separator + run + ":empty";
      store.put(empty, new byte[0], null).join();
      keys.add(empty);
      Collections.shuffle(keys, new Random(29));

      List<String> values = store.getAllInOrder(keys, BulkReaderContract::text).join();

      assertThat(values).as("separator '%s'", separator).hasSize(keys.size());
      for (int i = 0; i < keys.size(); i++) {
        String key = keys.get(i);
        String suffix = key.substring(key.lastIndexOf(':') + 1);
        if (suffix.equals("empty")) {
          assertThat(values.get(i)).as(key).isEmpty();
          continue;
        }
        int n = Integer.parseInt(suffix);
        assertThat(values.get(i)).as(key).isEqualTo(n % 3 == 0 ? null : "v".repeat(n % 7) + n);
      }
    }
    assertThat(store.getAllInOrder(List.of(), BulkReaderContract::text).join()).isEmpty();
  }

  @Test
  void getAllInOrderWithReader_aReaderThatThrows_failsTheWholeRead_andTheStoreReadsOnAfterwards() {
    RemoteStore store = store();
    String a = "cascade:throwing-" + run + ":a";
    String b = "cascade:throwing-" + run + ":b";
    store.put(a, bytes("a"), null).join();
    store.put(b, bytes("boom"), null).join();
    IllegalStateException boom = new IllegalStateException("reader failed");
    ValueReader<String> throwing =
        buffer -> {
          String value = text(buffer);
          if (value.equals("boom")) {
            throw boom;
          }
          return value;
        };

    assertThat(store.getAllInOrder(List.of(a, b), throwing))
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(ExecutionException.class)
        .withCause(boom);
    assertThat(store.getAllInOrder(List.of(b, a), BulkReaderContract::text).join()).containsExactly("boom", "a");
  }

  @Test
  void cacheGetAll_bytesValues_eachReadGetsArraysOfItsOwn() {
    Cache<String, byte[]> cache = Cache.<String, byte[]>builder("own-arrays-" + run).tier(store()).valueCodec(BytesCodec.create()).build();
    cache.put("a", new byte[] {1, 2, 3});
    cache.put("b", new byte[] {4});

    Map<String, byte[]> first = cache.getAll(List.of("a", "b"));
    first.get("a")[0] = 9; // the caller's array: changing it changes no later read
    Map<String, byte[]> second = cache.getAll(List.of("a", "b"));

    assertThat(second.get("a")).containsExactly(1, 2, 3).isNotSameAs(first.get("a"));
    assertThat(second.get("b")).containsExactly(4).isNotSameAs(first.get("b"));
    cache.close();
  }

  @Test
  void cacheGetAll_taggedCorruptLeaseAndAbsentValues_besidePlainOnes_keepTheirMeaning() {
    RemoteStore store = store();
    String name = "mixed-" + run;
    Cache<String, String> cache =
        Cache.<String, String>builder(name).tier(store).valueCodec(StringCodec.create()).nullTtl(Duration.ofMinutes(5)).build();
    cache.put("plain", "P");
    cache.put("tagged", "T", Set.of("red"));
    cache.get("absent", key -> null); // a cached absence: an envelope with the null flag
    cache.put("corrupt", "C");
    cache.put("leased", "L");
    // written over the cache's own entries, as another writer would (on Memcached, so that they
    // carry the namespace's current version)
    store.put("cascade:" + name + ":corrupt", bytes("not an envelope"), null).join();
    store.put("cascade:" + name + ":leased", LeaseMarker.of("token"), null).join();

    Map<String, String> found = cache.getAll(List.of("plain", "tagged", "absent", "corrupt", "leased"));

    assertThat(found).containsOnly(Map.entry("plain", "P"), Map.entry("tagged", "T"));
    assertThat(cache.stats().decodeFailureCount()).isEqualTo(1);
    // the delete is not awaited by the read that found the value: wait for it
    await().untilAsserted(() -> assertThat(store.get("cascade:" + name + ":corrupt").join()).as("a corrupt value is deleted").isNull());
    assertThat(store.get("cascade:" + name + ":leased").join()).as("a lease marker is left alone").isNotNull();

    cache.invalidateTag("red");
    assertThat(cache.getAll(List.of("plain", "tagged"))).containsOnly(Map.entry("plain", "P"));
    cache.close();
  }

  private static String text(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}

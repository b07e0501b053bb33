package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.BytesCodec;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.spi.LeaseMarker;
import dev.cascade.cache.spi.ValueReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * {@link RedisTier#getAllInOrder}, what a cache's {@code getAll} reads with: element i is key i's
 * value, on one server and on a 3-master cluster (where Lettuce splits the MGET by slot and must put
 * the answers back in the keys' order), and every key of a cache's {@code getAll} gets its own value.
 * The same for the read with a {@link ValueReader} (run on Lettuce's I/O thread on one server): each
 * value handed over whole and alone, a throwing reader failing the read, and the cache's own reader
 * splitting plain envelopes while tagged, corrupt and lease values keep their meaning.
 */
abstract class RedisGetAllInOrderContract {
  abstract RedisTier store();

  @Test
  void getAllInOrder_valuesByPosition_nullForAbsentKeys() {
    readsByPosition(store());
  }

  @Test
  void cacheGetAll_shuffledKeysWithMisses_eachKeyGetsItsOwnValue() {
    eachKeyItsOwnValue(store());
  }

  @Test
  void getAllInOrderWithReader_eachValueWholeAndAlone_byPosition_nullForAbsentKeys() {
    RedisTier store = store();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String key = "with-reader:" + i;
      keys.add(key);
      if (i % 3 != 0) {
        store.put(key, bytes("v".repeat(i % 7) + i), null).join(); // lengths differ from key to key
      }
    }
    store.put("with-reader:empty", new byte[0], null).join();
    keys.add("with-reader:empty");
    Collections.shuffle(keys, new Random(23));

    List<String> values = store.getAllInOrder(keys, RedisGetAllInOrderContract::text).join();

    assertThat(values).hasSize(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      String suffix = keys.get(i).substring("with-reader:".length());
      if (suffix.equals("empty")) {
        assertThat(values.get(i)).isEmpty();
        continue;
      }
      int n = Integer.parseInt(suffix);
      assertThat(values.get(i)).as(keys.get(i)).isEqualTo(n % 3 == 0 ? null : "v".repeat(n % 7) + n);
    }
    assertThat(store.getAllInOrder(List.of(), RedisGetAllInOrderContract::text).join()).isEmpty();
  }

  @Test
  void getAllInOrderWithReader_aReaderThatThrows_failsTheWholeRead_andTheStoreReadsOnAfterwards() {
    RedisTier store = store();
    store.put("throwing:a", bytes("a"), null).join();
    store.put("throwing:b", bytes("boom"), null).join();
    IllegalStateException boom = new IllegalStateException("reader failed");
    ValueReader<String> throwing =
        buffer -> {
          String value = text(buffer);
          if (value.equals("boom")) {
            throw boom;
          }
          return value;
        };

    assertThat(store.getAllInOrder(List.of("throwing:a", "throwing:b"), throwing))
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(ExecutionException.class)
        .withCause(boom);
    assertThat(store.getAllInOrder(List.of("throwing:b", "throwing:a"), RedisGetAllInOrderContract::text).join())
        .containsExactly("boom", "a");
  }

  @Test
  void cacheGetAll_bytesValues_eachReadGetsArraysOfItsOwn() {
    Cache<String, byte[]> cache = Cache.<String, byte[]>builder("own-arrays").tier(store()).valueCodec(BytesCodec.create()).build();
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
  void cacheGetAll_taggedCorruptLeaseAndAbsentValues_beside_plainOnes_keepTheirMeaning() {
    RedisTier store = store();
    Cache<String, String> cache =
        Cache.<String, String>builder("mixed").tier(store).valueCodec(StringCodec.create()).nullTtl(Duration.ofMinutes(5)).build();
    cache.put("plain", "P");
    cache.put("tagged", "T", java.util.Set.of("red"));
    cache.get("absent", key -> null); // a cached absence: an envelope with the null flag
    store.put("cascade:mixed:corrupt", bytes("not an envelope"), null).join();
    store.put("cascade:mixed:leased", LeaseMarker.of("token"), null).join();

    Map<String, String> found = cache.getAll(List.of("plain", "tagged", "absent", "corrupt", "leased"));

    assertThat(found).containsOnly(Map.entry("plain", "P"), Map.entry("tagged", "T"));
    assertThat(cache.stats().decodeFailureCount()).isEqualTo(1);
    assertThat(store.get("cascade:mixed:corrupt").join()).as("a corrupt value is deleted").isNull();
    assertThat(store.get("cascade:mixed:leased").join()).as("a lease marker is left alone").isNotNull();

    cache.invalidateTag("red");
    assertThat(cache.getAll(List.of("plain", "tagged"))).containsOnly(Map.entry("plain", "P"));
    cache.close();
  }

  private static void readsByPosition(RedisTier store) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String key = "in-order:" + i;
      keys.add(key);
      if (i % 3 != 0) {
        store.put(key, bytes("value-" + i), null).join();
      }
    }
    Collections.shuffle(keys, new Random(19));

    List<byte[]> values = store.getAllInOrder(keys).join();

    assertThat(values).hasSize(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      int n = Integer.parseInt(keys.get(i).substring("in-order:".length()));
      if (n % 3 == 0) {
        assertThat(values.get(i)).as(keys.get(i)).isNull();
      } else {
        assertThat(new String(values.get(i), StandardCharsets.UTF_8)).as(keys.get(i)).isEqualTo("value-" + n);
      }
    }
    assertThat(store.getAllInOrder(List.of()).join()).isEmpty();
  }

  private static void eachKeyItsOwnValue(RedisTier store) {
    Cache<String, String> cache = Cache.<String, String>builder("in-order").tier(store).valueCodec(StringCodec.create()).build();
    List<String> keys = new ArrayList<>();
    Map<String, String> expected = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      String key = "k" + i;
      keys.add(key);
      if (i % 4 != 0) {
        cache.put(key, "v" + i);
        expected.put(key, "v" + i);
      }
    }
    Collections.shuffle(keys, new Random(7));

    assertThat(cache.getAll(keys)).containsExactlyInAnyOrderEntriesOf(expected);
    assertThat(cache.stats().hitCount()).isEqualTo(expected.size());
    assertThat(cache.stats().missCount()).isEqualTo(keys.size() - expected.size());
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

package dev.cascade.cache.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.BytesCodec;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.spi.LeaseMarker;
import dev.cascade.cache.spi.ValueReader;
import dev.cascade.cache.testkit.MemcachedServerExtension;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link MemcachedTier#getAllInOrder(List, ValueReader)} on two real servers: the reader runs on the
 * I/O thread for the keys of a classic {@code get} (printable ASCII) and on the caller's side for an
 * {@code mg} batch (keys with spaces), with the same answers; a reader that throws fails the read;
 * and a cache's {@code getAll}, whose reader splits plain envelopes, keeps the meaning of tagged,
 * corrupt and lease values and hands each caller arrays of its own.
 */
class MemcachedBulkReaderIT {
  @RegisterExtension static final MemcachedServerExtension MEMCACHED = MemcachedServerExtension.servers(2);

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final MemcachedTier tier =
      MemcachedTier.create(MemcachedConfig.builder().servers(MEMCACHED.addresses().toArray(String[]::new)).build());

  @AfterEach
  void close() {
    tier.close();
  }

  @Test
  void getAllInOrderWithReader_plainAndSpacedKeys_eachValueWholeAndAlone_byPosition_nullForAbsentKeys() {
    for (String separator : new String[] {"-", " "}) { // " ": not plain, read with mg
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String key = "cascade:reader" + separator + run + ":" + i;
        keys.add(key);
        if (i % 3 != 0) {
          tier.put(key, bytes("v".repeat(i % 7) + i), null).join(); // lengths differ from key to key
        }
      }
      String empty = "cascade:reader" + separator + run + ":empty";
      tier.put(empty, new byte[0], null).join();
      keys.add(empty);
      Collections.shuffle(keys, new Random(29));

      List<String> values = tier.getAllInOrder(keys, MemcachedBulkReaderIT::text).join();

      assertThat(values).as(separator).hasSize(keys.size());
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
    assertThat(tier.getAllInOrder(List.of(), MemcachedBulkReaderIT::text).join()).isEmpty();
  }

  @Test
  void getAllInOrderWithReader_aReaderThatThrows_failsTheWholeRead_andTheTierReadsOnAfterwards() {
    String a = "cascade:throwing-" + run + ":a";
    String b = "cascade:throwing-" + run + ":b";
    tier.put(a, bytes("a"), null).join();
    tier.put(b, bytes("boom"), null).join();
    IllegalStateException boom = new IllegalStateException("reader failed");
    ValueReader<String> throwing =
        buffer -> {
          String value = text(buffer);
          if (value.equals("boom")) {
            throw boom;
          }
          return value;
        };

    assertThat(tier.getAllInOrder(List.of(a, b), throwing))
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(ExecutionException.class)
        .withCause(boom);
    assertThat(tier.getAllInOrder(List.of(b, a), MemcachedBulkReaderIT::text).join()).containsExactly("boom", "a");
  }

  @Test
  void cacheGetAll_bytesValues_eachReadGetsArraysOfItsOwn() {
    Cache<String, byte[]> cache = Cache.<String, byte[]>builder("own-arrays-" + run).tier(tier).valueCodec(BytesCodec.create()).build();
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
    String name = "mixed-" + run;
    Cache<String, String> cache =
        Cache.<String, String>builder(name).tier(tier).valueCodec(StringCodec.create()).nullTtl(Duration.ofMinutes(5)).build();
    cache.put("plain", "P");
    cache.put("tagged", "T", Set.of("red"));
    cache.get("absent", key -> null); // a cached absence: an envelope with the null flag
    cache.put("corrupt", "C");
    cache.put("leased", "L");
    // over the cache's own items, so that they carry the namespace's current version
    tier.put("cascade:" + name + ":corrupt", bytes("not an envelope"), null).join();
    tier.put("cascade:" + name + ":leased", LeaseMarker.of("token"), null).join();

    Map<String, String> found = cache.getAll(List.of("plain", "tagged", "absent", "corrupt", "leased"));

    assertThat(found).containsOnly(Map.entry("plain", "P"), Map.entry("tagged", "T"));
    assertThat(cache.stats().decodeFailureCount()).isEqualTo(1);
    assertThat(tier.get("cascade:" + name + ":corrupt").join()).as("a corrupt value is deleted").isNull();
    assertThat(tier.get("cascade:" + name + ":leased").join()).as("a lease marker is left alone").isNotNull();

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

package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.testkit.BulkReaderContract;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RedisTier#getAllInOrder}, what a cache's {@code getAll} reads with: element i is key i's
 * value, on one server and on a 3-master cluster (where Lettuce splits the MGET by slot and must put
 * the answers back in the keys' order), and every key of a cache's {@code getAll} gets its own value;
 * and the {@link BulkReaderContract}, whose reader runs on Lettuce's I/O thread on one server and on
 * the whole answer on a cluster.
 */
abstract class RedisGetAllInOrderContract extends BulkReaderContract {
  @Override
  protected abstract RedisTier store();

  @Test
  void getAllInOrder_valuesByPosition_nullForAbsentKeys() {
    readsByPosition(store());
  }

  @Test
  void cacheGetAll_shuffledKeysWithMisses_eachKeyGetsItsOwnValue() {
    eachKeyItsOwnValue(store());
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

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}

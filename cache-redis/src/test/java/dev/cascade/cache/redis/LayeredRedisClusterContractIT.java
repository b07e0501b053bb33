package dev.cascade.cache.redis;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.testkit.CacheContract;
import dev.cascade.cache.testkit.RedisServerExtension;
import io.lettuce.core.cluster.RedisClusterClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract on an in-process tier over a 3-master Redis Cluster, kept coherent by RedisInvalidation. */
class LayeredRedisClusterContractIT extends CacheContract {
  @RegisterExtension static final RedisServerExtension redis = RedisServerExtension.cluster();

  private static RedisClusterClient client;
  private static RedisTier store;
  private final List<RedisInvalidation> channels = new ArrayList<>();

  @BeforeAll
  static void connect() {
    client = RedisTests.clusterClient(redis);
    store = RedisTier.builder(client).commandTimeout(RedisTests.RELAXED_TIMEOUT).build();
  }

  @AfterAll
  static void disconnect() {
    store.close();
    client.shutdown();
    RedisTests.assertNoKeysCommand(redis);
  }

  @AfterEach
  void closeChannels() {
    channels.forEach(RedisInvalidation::close);
  }

  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    RedisInvalidation channel = RedisInvalidation.builder(client).commandTimeout(RedisTests.RELAXED_TIMEOUT).ackTimeout(RedisTests.RELAXED_TIMEOUT).build();
    channels.add(channel);
    return Cache.<String, String>builder(name)
        .inMemory(m -> m.maximumSize(100_000))
        .tier(store)
        .valueCodec(StringCodec.create())
        .invalidation(channel)
        .ticker(ticker);
  }
}

package dev.cascade.cache.redis;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.testkit.CacheContract;
import dev.cascade.cache.testkit.RedisServerExtension;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract on a real standalone Redis, through the blocking API. */
class RedisStandaloneContractIT extends CacheContract {
  @RegisterExtension static final RedisServerExtension redis = RedisServerExtension.standalone();

  private static RedisClient client;
  private static RedisTier store;

  @BeforeAll
  static void connect() {
    client = RedisTests.client(redis);
    store = RedisTier.builder(client).commandTimeout(RedisTests.RELAXED_TIMEOUT).build();
  }

  @AfterAll
  static void disconnect() {
    store.close();
    client.shutdown();
    RedisTests.assertNoKeysCommand(redis);
  }

  @Override
  protected CacheBuilder<String, String> newBuilder(String name) {
    return Cache.<String, String>builder(name).tier(store).valueCodec(StringCodec.create()).ticker(ticker);
  }
}

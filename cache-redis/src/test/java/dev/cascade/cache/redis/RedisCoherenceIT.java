package dev.cascade.cache.redis;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.testkit.CoherenceContract;
import dev.cascade.cache.testkit.RedisServerExtension;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Three layered instances over one standalone Redis: 0 stale reads after writes return. */
class RedisCoherenceIT extends CoherenceContract {
  @RegisterExtension static final RedisServerExtension redis = RedisServerExtension.standalone();

  private static RedisClient client;
  private static RedisTier store;
  private final List<RedisInvalidation> channels = new ArrayList<>();

  @BeforeAll
  static void connect() {
    client = RedisTests.client(redis);
    store = RedisTier.builder(client).commandTimeout(RedisTests.RELAXED_TIMEOUT).build();
  }

  @AfterAll
  static void disconnect() {
    store.close();
    client.shutdown();
  }

  @AfterEach
  void closeChannels() {
    channels.forEach(RedisInvalidation::close);
  }

  @Override
  protected Cache<String, String> newInstance(String name) {
    // A generous acknowledgement timeout: this test checks coherence, and a shared 2-core machine
    // can stall a receiver longer than the production default before it acknowledges.
    // Each instance has its own client, as separate services would.
    RedisInvalidation channel =
        RedisInvalidation.builder(RedisTests.client(redis)).ackTimeout(Duration.ofSeconds(10)).commandTimeout(RedisTests.RELAXED_TIMEOUT).build();
    channels.add(channel);
    return Cache.<String, String>builder(name)
        .inMemory(m -> m.maximumSize(1_000))
        .tier(store)
        .valueCodec(StringCodec.create())
        .invalidation(channel)
        .build();
  }

  @Override
  protected void report(String operation, Latencies latencies) {
    System.out.println("[coherence standalone] " + operation + ": write incl. propagation " + latencies);
  }
}

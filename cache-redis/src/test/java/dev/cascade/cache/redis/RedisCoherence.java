package dev.cascade.cache.redis;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.testkit.CoherenceContract;
import java.time.Duration;

/** Three layered instances over one Redis, each with its own client, channel and L1. */
abstract class RedisCoherence extends CoherenceContract {
  abstract RedisSetup redis();

  @Override
  protected Cache<String, String> newInstance(String name) {
    // A generous acknowledgement timeout: this test checks coherence, and a shared 2-core machine
    // can stall a receiver longer than the production default before it acknowledges.
    return Cache.<String, String>builder(name)
        .inMemory(m -> m.maximumSize(1_000))
        .tier(redis().store())
        .valueCodec(StringCodec.create())
        .invalidation(redis().newChannel(Duration.ofSeconds(10)))
        .build();
  }

  @Override
  protected void report(String operation, Latencies latencies) {
    System.out.println(
        "[coherence " + (redis().server().isCluster() ? "cluster" : "standalone") + "] " + operation
            + ": write incl. propagation " + latencies);
  }
}

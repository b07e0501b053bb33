package dev.cascade.cache.spring;

import dev.cascade.cache.Stampede;
import dev.cascade.cache.redis.RedisBackend;
import dev.cascade.cache.testkit.RedisServerExtension;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;

/**
 * Service instances over one Redis: each has a Lettuce client and a {@link RedisBackend} of its own
 * (as a separate process would), and a {@link CascadeCacheManager} layered over it with the
 * invalidation channel and the distributed stampede lease. The client options are those
 * docs/redis.md recommends; the clients share one {@link ClientResources} (event loops) to keep the
 * tests light.
 */
final class RedisInstances implements AutoCloseable {
  private final RedisServerExtension redis;
  private final ClientResources resources =
      ClientResources.builder().reconnectDelay(Delay.constant(Duration.ofMillis(100))).build();

  RedisInstances(RedisServerExtension redis) {
    this.redis = redis;
  }

  RedisClient client() {
    RedisClient client = RedisClient.create(resources, redis.uri());
    client.setOptions(
        ClientOptions.builder().disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
    return client;
  }

  /**
   * Starts an instance whose backend's commands time out after {@code commandTimeout}. It waits up
   * to 10 s for the other instances' acknowledgements: what one caches, updates or evicts must be
   * what the others see when the call returns.
   */
  Instance start(Database db, Duration commandTimeout) {
    RedisClient client = client();
    RedisBackend backend =
        RedisBackend.builder(client).commandTimeout(commandTimeout).ackTimeout(Duration.ofSeconds(10)).build();
    CascadeCacheManager.Builder layered =
        CascadeCacheManager.builder()
            .remote(backend.store())
            .invalidation(backend.invalidation())
            .stampede(Stampede.distributed(backend.stampedeLock()));
    CascadeCacheManager manager = Instance.managerBuilder(layered).build();
    return Instance.start(db, manager, backend, client::shutdown);
  }

  @Override
  public void close() {
    resources.shutdown();
  }
}

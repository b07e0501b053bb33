package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The check a container server is waited on, at start and after a restart ({@link
 * ContainerServer#answers}), against real servers: each answers its own protocol, and neither a
 * closed port nor the other server passes for it. Docker's proxy accepts connections before the
 * server listens, so a check that only connected would pass too early; these servers run from local
 * binaries (or whatever the JVM's {@code cascade.testkit.servers} chooses).
 */
class ContainerReadinessIT {
  @RegisterExtension static final RedisServerExtension redis = RedisServerExtension.standalone();
  @RegisterExtension static final MemcachedServerExtension memcached = MemcachedServerExtension.single();

  @Test
  void answers_redis_onlyOnRedisPort() {
    assertThat(ContainerServer.answers(ContainerSpec.Server.REDIS, redis.port(0))).isTrue();
    assertThat(ContainerServer.answers(ContainerSpec.Server.REDIS, memcachedPort())).isFalse();
    assertThat(ContainerServer.answers(ContainerSpec.Server.REDIS, ServerProcess.freePort())).isFalse();
  }

  @Test
  void answers_memcached_onlyOnMemcachedPort() {
    assertThat(ContainerServer.answers(ContainerSpec.Server.MEMCACHED, memcachedPort())).isTrue();
    assertThat(ContainerServer.answers(ContainerSpec.Server.MEMCACHED, redis.port(0))).isFalse();
    assertThat(ContainerServer.answers(ContainerSpec.Server.MEMCACHED, ServerProcess.freePort())).isFalse();
  }

  @Test
  void answers_killedThenRestarted_falseThenTrue() {
    ServerProcess server = memcached.process(0);

    server.kill();
    assertThat(ContainerServer.answers(ContainerSpec.Server.MEMCACHED, server.port())).isFalse();
    server.restart();
    assertThat(ContainerServer.answers(ContainerSpec.Server.MEMCACHED, server.port())).isTrue();
  }

  private static int memcachedPort() {
    String address = memcached.address(0);
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }
}

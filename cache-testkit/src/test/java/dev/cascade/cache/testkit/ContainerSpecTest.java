package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;

/**
 * What a server container would run, checked without an engine: the command lines, the images from
 * the system properties, and the container as Testcontainers is given it (built, never started;
 * its image name is resolved only by an engine).
 */
class ContainerSpecTest {
  @Test
  void redis_plain_noPersistenceOnTheServersPort() {
    ContainerSpec spec = ContainerSpec.redis("redis:7.0.15", false);

    assertThat(spec.server()).isEqualTo(ContainerSpec.Server.REDIS);
    assertThat(spec.containerPort()).isEqualTo(6379);
    assertThat(spec.command())
        .containsExactly("redis-server", "--port", "6379", "--save", "", "--appendonly", "no", "--protected-mode", "no");
  }

  @Test
  void redis_durable_appendOnlyFsyncedAlways() {
    ContainerSpec spec = ContainerSpec.redis("redis:7.0.15", true);

    assertThat(spec.command())
        .containsExactly(
            "redis-server", "--port", "6379", "--save", "", "--appendonly", "yes", "--protected-mode", "no", "--appendfsync", "always");
  }

  @Test
  void memcached_asLocallyWithoutTheLoopbackBind() {
    ContainerSpec spec = ContainerSpec.memcached("memcached:1.6");

    assertThat(spec.containerPort()).isEqualTo(11211);
    assertThat(spec.command()).containsExactly("memcached", "-p", "11211", "-U", "0", "-m", "64", "-t", "2", "-u", "root");
  }

  @Test
  void portBinding_parsedByDockerJava_loopbackFixedHostPortToTheServersPort() {
    PortBinding binding = PortBinding.parse(ContainerSpec.redis("redis:7.0.15", false).portBinding(41234));

    assertThat(binding.getBinding().getHostIp()).isEqualTo("127.0.0.1");
    assertThat(binding.getBinding().getHostPortSpec()).isEqualTo("41234");
    assertThat(binding.getExposedPort()).isEqualTo(ExposedPort.tcp(6379));
  }

  @Test
  void images_unset_defaults() {
    assertThat(ContainerSpec.redisImage(key -> null)).isEqualTo("redis:7.0.15");
    assertThat(ContainerSpec.memcachedImage(key -> null)).isEqualTo("memcached:1.6");
  }

  @Test
  void images_set_fromTheirProperties() {
    Map<String, String> properties =
        Map.of("cascade.testkit.redis.image", "myregistry/redis:7.2", "cascade.testkit.memcached.image", "memcached:1.6.18-alpine");

    assertThat(ContainerSpec.redisImage(properties::get)).isEqualTo("myregistry/redis:7.2");
    assertThat(ContainerSpec.memcachedImage(properties::get)).isEqualTo("memcached:1.6.18-alpine");
  }

  @Test
  void images_blankOrWithSpaces_failNamingTheProperty() {
    assertThatThrownBy(() -> ContainerSpec.redisImage(Map.of("cascade.testkit.redis.image", " ")::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cascade.testkit.redis.image must name an image, such as redis:7.0.15, was ' '");
    assertThatThrownBy(() -> ContainerSpec.memcachedImage(Map.of("cascade.testkit.memcached.image", "memcached 1.6")::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cascade.testkit.memcached.image must name an image");
  }

  @Test
  void container_builtNotStarted_commandAndOnlyTheFixedBinding() {
    ContainerSpec spec = ContainerSpec.redis("myregistry/redis:7.2", true);

    try (GenericContainer<?> container = ContainerServer.container(spec, 41234)) {
      assertThat(container.getCommandParts()).containsExactlyElementsOf(spec.command());
      assertThat(container.getExposedPorts()).containsExactly(6379);
      assertThat(container.getPortBindings()).containsExactly("127.0.0.1:41234:6379/tcp");
      assertThat(container.getContainerId()).isNull();
    }
  }
}

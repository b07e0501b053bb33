package dev.cascade.cache.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What a server container is made of: the image, the port the server listens on inside it, and the
 * command line. A pure value, so that what a container would run is checked without an engine; the
 * arguments follow the local ones ({@link RedisServerExtension}, {@link MemcachedServerExtension})
 * except where a container differs (it listens on every interface of its own network, and its
 * working directory is the image's).
 *
 * @param server which server the image runs
 * @param image the image, as {@code docker run} takes it
 * @param command the command line, each argument apart (an empty one included)
 */
record ContainerSpec(Server server, String image, List<String> command) {
  /** The system property naming the standalone Redis image. */
  static final String REDIS_IMAGE_PROPERTY = "cascade.testkit.redis.image";

  /** The Redis image by default: the release the local path is tested with (redis-server 7.0.15). */
  static final String DEFAULT_REDIS_IMAGE = "redis:7.0.15";

  /** The system property naming the memcached image. */
  static final String MEMCACHED_IMAGE_PROPERTY = "cascade.testkit.memcached.image";

  /** The memcached image by default; the meta protocol the client speaks is stable since 1.6.10. */
  static final String DEFAULT_MEMCACHED_IMAGE = "memcached:1.6";

  /** A server the testkit can run in a container, and its port inside the container. */
  enum Server {
    REDIS(6379),
    MEMCACHED(11211);

    private final int port;

    Server(int port) {
      this.port = port;
    }

    int port() {
      return port;
    }
  }

  ContainerSpec {
    command = List.copyOf(command);
  }

  /**
   * Returns the spec of a standalone Redis: no snapshots, and for {@code durable} an append-only file
   * fsynced before each reply, kept in the container across {@code kill} and {@code restart}.
   */
  static ContainerSpec redis(String image, boolean durable) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "redis-server",
                "--port",
                Integer.toString(Server.REDIS.port()),
                "--save",
                "",
                "--appendonly",
                durable ? "yes" : "no",
                "--protected-mode",
                "no"));
    if (durable) {
      command.addAll(List.of("--appendfsync", "always"));
    }
    return new ContainerSpec(Server.REDIS, image, command);
  }

  /**
   * Returns the spec of one memcached: 64 MB, two threads, no UDP, as locally. {@code -u root} only
   * matters to an image that runs as root, which memcached otherwise refuses; the official image
   * does not, and memcached ignores the option then.
   */
  static ContainerSpec memcached(String image) {
    return new ContainerSpec(
        Server.MEMCACHED,
        image,
        List.of("memcached", "-p", Integer.toString(Server.MEMCACHED.port()), "-U", "0", "-m", "64", "-t", "2", "-u", "root"));
  }

  /** Returns the port inside the container. */
  int containerPort() {
    return server.port();
  }

  /**
   * Returns the port binding that publishes the server on {@code 127.0.0.1:hostPort}, as {@code
   * docker run -p} takes it. A fixed host port, not one Docker picks: Docker picks a new one each
   * time a stopped container starts, and the tests expect a restarted server where it was.
   */
  String portBinding(int hostPort) {
    return "127.0.0.1:" + hostPort + ":" + containerPort();
  }

  /**
   * Returns the Redis image from {@value #REDIS_IMAGE_PROPERTY}, or {@value #DEFAULT_REDIS_IMAGE}.
   *
   * @throws IllegalArgumentException if the property is set but blank
   */
  static String redisImage(Function<String, @Nullable String> properties) {
    return image(properties, REDIS_IMAGE_PROPERTY, DEFAULT_REDIS_IMAGE);
  }

  /**
   * Returns the memcached image from {@value #MEMCACHED_IMAGE_PROPERTY}, or {@value
   * #DEFAULT_MEMCACHED_IMAGE}.
   *
   * @throws IllegalArgumentException if the property is set but blank
   */
  static String memcachedImage(Function<String, @Nullable String> properties) {
    return image(properties, MEMCACHED_IMAGE_PROPERTY, DEFAULT_MEMCACHED_IMAGE);
  }

  private static String image(Function<String, @Nullable String> properties, String property, String defaultImage) {
    String image = properties.apply(property);
    if (image == null) {
      return defaultImage;
    }
    if (image.isBlank() || image.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException(property + " must name an image, such as " + defaultImage + ", was '" + image + "'");
    }
    return image;
  }
}

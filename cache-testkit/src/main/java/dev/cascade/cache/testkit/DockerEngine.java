package dev.cascade.cache.testkit;

import java.util.Optional;
import org.testcontainers.DockerClientFactory;

/**
 * The real {@link ServerSource.EngineProbe}: asks Testcontainers whether a Docker engine answers.
 * Kept apart from {@link ServerSource} so that Testcontainers is loaded only when Docker is asked.
 * Thread-safe (Testcontainers caches its answer).
 */
final class DockerEngine {
  private DockerEngine() {}

  /** Returns the host where an answering engine publishes ports, or empty when none answers. */
  static Optional<String> answeringHost() {
    DockerClientFactory docker = DockerClientFactory.instance();
    if (!docker.isDockerAvailable()) {
      return Optional.empty();
    }
    return Optional.of(docker.dockerHostIpAddress());
  }
}

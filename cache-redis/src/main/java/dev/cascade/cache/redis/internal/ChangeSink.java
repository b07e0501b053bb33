package dev.cascade.cache.redis.internal;

import java.util.List;

/**
 * Where a write-behind consumer delivers changes: the user's batch writer behind the codecs, and the
 * cache to tell about a change given up. Implementations must be thread-safe: each partition's
 * consumer calls it from its own thread.
 */
public interface ChangeSink {

  /**
   * Applies {@code changes}, in stream order, to the system of record; returns once they are
   * applied.
   *
   * @throws Exception if they were not (all or some): the same changes are delivered again
   */
  void apply(List<QueuedChange> changes) throws Exception;

  /** Called once {@code change} was moved to the dead-letter stream; must not throw. */
  void deadLettered(QueuedChange change);
}

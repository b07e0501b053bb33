package dev.cascade.cache.redis;

import dev.cascade.cache.redis.internal.RedisLink;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The checks one {@link RedisInvalidation} makes on itself, for the losses no other instance can
 * report: that its heartbeat thread was not stalled (others may have stopped waiting for its
 * acknowledgements), that it hears its own messages (its subscription delivers), and that its
 * marker key survives (a {@code FLUSHALL}, {@code FLUSHDB} or an eviction emptied the server). Each
 * loss found is reported to the {@code loss} callback, which flushes the in-process tiers.
 *
 * <p>Thread-safe: the heartbeat thread runs the checks, the subscription's thread records echoes.
 */
final class InvalidationSelfCheck {
  private static final byte[] MARK = {1};

  private final RedisLink link;
  private final String markerKey;
  private final Duration markerTtl;
  private final long silenceNanos;
  private final Runnable loss;
  private final AtomicLong ownEchoNanos = new AtomicLong(System.nanoTime());
  private final AtomicBoolean echoing = new AtomicBoolean(true);
  private volatile long lastBeatNanos = System.nanoTime();

  /**
   * Checks an instance that beats every {@code heartbeat} and keeps {@code markerKey} through {@code
   * link}; three beats of silence count as a loss.
   */
  InvalidationSelfCheck(RedisLink link, String markerKey, Duration heartbeat, Runnable loss) {
    this.link = link;
    this.markerKey = markerKey;
    this.markerTtl = heartbeat.multipliedBy(20);
    this.silenceNanos = 3 * heartbeat.toNanos();
    this.loss = loss;
  }

  /** Writes the marker key (blocking), whose disappearance later reveals a flush of the server. */
  void placeMarker() {
    link.setIfAbsent(markerKey, MARK, markerTtl).join();
  }

  /** Removes the marker key, when the instance closes. */
  CompletableFuture<Void> removeMarker() {
    return link.unlink(List.of(markerKey));
  }

  /** Starts the checks afresh at {@code nowNanos}, for a channel that starts late (Redis was down). */
  void restart(long nowNanos) {
    ownEchoNanos.set(nowNanos);
    lastBeatNanos = nowNanos;
    echoing.set(true);
  }

  /** Records that this instance heard one of its own messages; a loss if it had stopped hearing them. */
  void heardOwnMessage() {
    ownEchoNanos.set(System.nanoTime());
    if (!echoing.get()) {
      loss.run(); // we hear ourselves again; what came in between may be lost
      echoing.set(true);
    }
  }

  /** Returns whether this instance hears its own messages, as of the last beat or echo. */
  boolean hearsItself() {
    return echoing.get();
  }

  /** At the start of a beat at {@code nowNanos}: a loss if the previous beat is three beats ago. */
  void beatStarts(long nowNanos) {
    if (nowNanos - lastBeatNanos > silenceNanos) {
      loss.run(); // this process stalled: others may have stopped waiting for our acknowledgements
    }
    lastBeatNanos = nowNanos;
  }

  /**
   * At the end of a beat at {@code nowNanos}: a loss if this instance has not heard itself for three
   * beats, and one if its marker key is gone (then it is written again).
   */
  void beatEnds(long nowNanos) {
    boolean hearing = nowNanos - ownEchoNanos.get() <= silenceNanos;
    if (!hearing) {
      loss.run(); // we do not hear ourselves: our subscription is not delivering
    }
    echoing.set(hearing);
    link.setIfPresent(markerKey, MARK, markerTtl)
        .thenAccept(
            present -> {
              if (!present) {
                loss.run(); // FLUSHALL / FLUSHDB (or an eviction) emptied the server
                link.setIfAbsent(markerKey, MARK, markerTtl);
              }
            });
  }
}

package dev.cascade.cache.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one {@link RedisInvalidation} knows of the other instances on its channel, and the loss
 * detection that needs it: the last sequence number each used (a gap means a lost message), when
 * each was last heard (three beats of silence mean it vanished without goodbye), and whether each
 * still acknowledges (an instance that missed an acknowledgement is not waited for again until it
 * acknowledges something or says hello).
 *
 * <p>Thread-safe: the subscription's thread, the heartbeat thread and publishing callers use it at
 * once. Each peer's fields are volatile and written by the subscription's thread only, except
 * {@code responsive}, which a missed acknowledgement clears from any thread; a race there can only
 * make a peer be waited for once more or once less.
 */
final class InvalidationPeers {
  private final Map<String, Peer> peers = new ConcurrentHashMap<>();

  /** What a receiver knows of one other instance. */
  private static final class Peer {
    volatile long lastSeq = -1; // -1: no baseline yet
    volatile long lastSeenNanos = System.nanoTime();
    volatile boolean responsive = true;
  }

  /** Starts knowing {@code id} (an instance found subscribed at startup), without a sequence baseline. */
  void expect(String id) {
    peers.computeIfAbsent(id, key -> new Peer());
  }

  /** Forgets {@code ids} (instances that are gone). */
  void forget(Collection<String> ids) {
    ids.forEach(peers::remove);
  }

  /**
   * Records a message another instance sent on the broadcast channel and returns whether it reveals
   * a loss: a gap in an invalidation's sequence, a heartbeat, hello or goodbye announcing
   * invalidations never received, or a message type this version does not know. A goodbye forgets
   * its sender; a hello marks its sender responsive again (it (re)subscribed, so it will
   * acknowledge again).
   */
  boolean heard(InvalidationMessage message) {
    Peer peer = peers.computeIfAbsent(message.from(), id -> new Peer());
    peer.lastSeenNanos = System.nanoTime();
    switch (message.type()) {
      case InvalidationMessage.INVALIDATION -> {
        boolean gap = peer.lastSeq >= 0 && message.seq() != peer.lastSeq + 1;
        peer.lastSeq = message.seq();
        return gap;
      }
      case InvalidationMessage.HEARTBEAT, InvalidationMessage.HELLO -> {
        boolean missed = peer.lastSeq >= 0 && message.seq() > peer.lastSeq; // it sent invalidations we never saw
        peer.lastSeq = Math.max(peer.lastSeq, message.seq());
        if (InvalidationMessage.HELLO.equals(message.type())) {
          peer.responsive = true;
        }
        return missed;
      }
      case InvalidationMessage.BYE -> {
        boolean missed = peer.lastSeq >= 0 && message.seq() > peer.lastSeq;
        peers.remove(message.from());
        return missed;
      }
      default -> {
        return true;
      }
    }
  }

  /** Returns the ids of every instance this one knows (heard within three beats, or found at startup). */
  Set<String> known() {
    return Set.copyOf(peers.keySet());
  }

  /** Returns the ids of the instances a write waits for by default: those that still acknowledge. */
  Set<String> responsive() {
    Set<String> live = ConcurrentHashMap.newKeySet();
    peers.forEach(
        (id, peer) -> {
          if (peer.responsive) {
            live.add(id);
          }
        });
    return live;
  }

  /** Marks {@code id} responsive again: it acknowledged something. */
  void acknowledged(String id) {
    Peer peer = peers.get(id);
    if (peer != null) {
      peer.responsive = true;
    }
  }

  /** Stops waiting for {@code ids}: they missed an acknowledgement. */
  void unresponsive(Collection<String> ids) {
    ids.forEach(
        id -> {
          Peer peer = peers.get(id);
          if (peer != null) {
            peer.responsive = false;
          }
        });
  }

  /**
   * Forgets every instance not heard from for longer than {@code silenceNanos} before {@code
   * nowNanos} and returns whether there was one: its last messages may be lost.
   */
  boolean forgetSilent(long nowNanos, long silenceNanos) {
    List<String> gone = new ArrayList<>();
    peers.forEach(
        (id, peer) -> {
          if (nowNanos - peer.lastSeenNanos > silenceNanos) {
            gone.add(id);
          }
        });
    forget(gone);
    return !gone.isEmpty();
  }
}

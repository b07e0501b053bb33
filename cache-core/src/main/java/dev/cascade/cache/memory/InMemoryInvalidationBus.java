package dev.cascade.cache.memory;

import dev.cascade.cache.spi.InvalidationChannel;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Invalidation channels for caches in one JVM: each {@link #newChannel()} stands for one service
 * instance, and an event published on one is applied by every other before {@code publish}
 * completes. Lossless by construction; {@link #signalLoss()} lets tests act as a lossy transport.
 *
 * <p>Thread-safe.
 */
public final class InMemoryInvalidationBus {
  private final List<Member> members = new CopyOnWriteArrayList<>();

  private record Member(Object channel, String cacheName, InvalidationChannel.Listener listener) {}

  /** Returns a new channel on this bus: one instance's end. */
  public InvalidationChannel newChannel() {
    return new Channel();
  }

  /** Tells every subscriber that messages may have been lost. */
  public void signalLoss() {
    members.forEach(member -> member.listener().onPossibleLoss());
  }

  private final class Channel implements InvalidationChannel {
    @Override
    public Subscription subscribe(String cacheName, Listener listener) {
      Member member = new Member(this, Objects.requireNonNull(cacheName), Objects.requireNonNull(listener));
      members.add(member);
      return () -> members.remove(member);
    }

    @Override
    public CompletableFuture<Void> publish(String cacheName, Event event) {
      for (Member member : members) {
        if (member.channel() != this && member.cacheName().equals(cacheName)) {
          member.listener().onEvent(event);
        }
      }
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
      members.removeIf(member -> member.channel() == this);
    }
  }
}

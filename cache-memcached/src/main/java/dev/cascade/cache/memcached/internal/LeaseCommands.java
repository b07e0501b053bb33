package dev.cascade.cache.memcached.internal;

import dev.cascade.cache.spi.Lease;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The server's own leases, for the stampede lock: take one on a miss, publish under it with CAS,
 * release it. A lease is a placeholder item (client flags 0, so never served as a value) whose CAS
 * value is the lease's token. Thread-safe; never blocks; fails only through futures.
 */
public final class LeaseCommands {
  private final KeyPlacement placement;
  private final ItemRules rules;

  LeaseCommands(KeyPlacement placement, ItemRules rules) {
    this.placement = placement;
    this.rules = rules;
  }

  /**
   * Takes the server's lease on {@code key}: {@code mg <key> N<secs>} vivifies a missing item and
   * gives the win flag (W) to exactly one caller; the others see Z. An item that is present but
   * invalid (an old namespace generation) is replaced by a placeholder with CAS, which only one
   * caller can do. The lease's token is the placeholder's CAS value.
   */
  public CompletableFuture<@Nullable Lease> tryLease(String key, Duration leaseTime) {
    try {
      Target t = placement.target(key);
      long seconds = Math.max(1, (leaseTime.toMillis() + 999) / 1000);
      long expiresAt = rules.clock().millis() + leaseTime.toMillis();
      return NamespaceVersions.current(t)
          .thenCompose(
              flags ->
                  t.node()
                      .submit(Commands.mg(t.key(), "N" + seconds + " c f s"))
                      .thenCompose(
                          reply -> {
                            Replies.check(reply);
                            if (reply.hasFlag('W')) {
                              return CompletableFuture.completedFuture(
                                  (@Nullable Lease) new Lease(key, Long.toString(reply.longFlag('c', 0)), expiresAt));
                            }
                            long itemFlags = reply.longFlag('f', 0);
                            if (reply.hasFlag('Z') || itemFlags == flags || itemFlags == 0) {
                              return CompletableFuture.completedFuture((@Nullable Lease) null);
                            }
                            String placeholder = "C" + reply.longFlag('c', 0) + " F0 T" + seconds + " c";
                            return t.node()
                                .submit(Commands.ms(t.key(), new byte[0], placeholder))
                                .thenApply(
                                    stored -> {
                                      Replies.check(stored);
                                      return stored.is("HD")
                                          ? new Lease(key, Long.toString(stored.longFlag('c', 0)), expiresAt)
                                          : null;
                                    });
                          }));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Writes under the lease with CAS: fails if the placeholder was deleted, replaced or lapsed. */
  public CompletableFuture<Boolean> publish(Lease lease, byte[] value, @Nullable Duration ttl) {
    try {
      rules.checkSize(lease.key(), value);
      Target t = placement.target(lease.key());
      String ttlFlag = rules.ttlFlag(ttl);
      return NamespaceVersions.current(t)
          .thenCompose(flags -> t.node().submit(Commands.ms(t.key(), value, "C" + lease.token() + " F" + flags + ttlFlag)))
          .thenApply(
              reply -> {
                Replies.check(reply);
                return reply.is("HD");
              });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Deletes the placeholder if it is still the lease's own (same CAS). */
  public CompletableFuture<Void> release(Lease lease) {
    try {
      Target t = placement.target(lease.key());
      return t.node().submit(Commands.md(t.key(), "C" + lease.token())).thenApply(reply -> {
        Replies.check(reply);
        return null;
      });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}

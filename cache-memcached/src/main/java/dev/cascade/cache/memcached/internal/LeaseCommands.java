package dev.cascade.cache.memcached.internal;

import dev.cascade.cache.spi.Lease;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The server's own leases, for the stampede lock: take one on a miss, publish under it with CAS,
 * release it. A lease on a missing key is a placeholder item (client flags 0, so never served as a
 * value); a lease over a value (one kept for stale serving) is the server's win flag on that value's
 * item: the value stays served, publishing replaces it only if the item is unchanged, and releasing
 * hands the win back without removing it. Either lease's token is {@code <cas>:<version>}: the
 * item's CAS value and the namespace version the lease was taken under. A publish writes with that
 * version, not the current one, and reports failure if the namespace moved on: {@code
 * invalidateAll} leaves the placeholder (and its CAS) alone, so the CAS alone would let a load it
 * overtook be served under the new version. Thread-safe; never blocks; fails only through futures.
 */
public final class LeaseCommands {
  /**
   * The recache threshold of a lease over a value: memcached reads a number over 30 days as a Unix
   * time, and gives the win to an item that expires before it, so this (the largest it accepts,
   * early 2038) wins on every item with an expiry. An item without one never wins; core keeps no
   * stale entries without an expiry.
   */
  static final long RECACHE_ALWAYS = Integer.MAX_VALUE;

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
   * caller can do. The lease's token is the placeholder's CAS value and the namespace version read
   * before it ({@code <cas>:<version>}).
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
                                  (@Nullable Lease) new Lease(key, token(reply.longFlag('c', 0), flags), expiresAt));
                            }
                            long itemFlags = reply.longFlag('f', 0);
                            if (reply.hasFlag('Z') || itemFlags == flags || itemFlags == 0) {
                              return CompletableFuture.completedFuture((@Nullable Lease) null);
                            }
                            return placeholder(t, key, reply.longFlag('c', 0), flags, seconds, expiresAt);
                          }));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Takes the server's lease on {@code key} while it holds {@code present}: {@code mg <key> R<far>
   * c f t v}, whose recache threshold lies past any expiry, gives the win flag (W) to the first
   * caller on the item and Z to the others, and the value stays served. The lease's token is the
   * item's CAS value and its namespace version ({@code <cas>:<flags>}). Three cases are not a live
   * value: a missing item (the plain lease is tried instead), a placeholder (another holder's lease:
   * none) and a value of an old namespace generation (replaced by a placeholder with CAS, as
   * {@link #tryLease} does). A win on a value other than {@code present} (rewritten meanwhile) is
   * handed back, so that the next caller can win it, and gives no lease.
   */
  public CompletableFuture<@Nullable Lease> tryLeaseOver(String key, byte[] present, Duration leaseTime) {
    try {
      Target t = placement.target(key);
      long seconds = Math.max(1, (leaseTime.toMillis() + 999) / 1000);
      long expiresAt = rules.clock().millis() + leaseTime.toMillis();
      return NamespaceVersions.current(t)
          .thenCompose(
              flags ->
                  t.node()
                      .submit(Commands.mg(t.key(), "R" + RECACHE_ALWAYS + " c f t v"))
                      .thenCompose(
                          reply -> {
                            Replies.check(reply);
                            if (!reply.is("VA")) {
                              return tryLease(key, leaseTime);
                            }
                            long itemFlags = reply.longFlag('f', 0);
                            long cas = reply.longFlag('c', 0);
                            if (itemFlags == 0) {
                              return CompletableFuture.completedFuture((@Nullable Lease) null);
                            }
                            if (itemFlags != flags) {
                              return placeholder(t, key, cas, flags, seconds, expiresAt);
                            }
                            if (!reply.hasFlag('W')) {
                              return CompletableFuture.completedFuture((@Nullable Lease) null);
                            }
                            byte[] found = reply.value();
                            if (found == null || !Arrays.equals(found, present)) {
                              return handBack(t, found == null ? new byte[0] : found, cas, itemFlags)
                                  .thenApply(done -> (@Nullable Lease) null);
                            }
                            return CompletableFuture.completedFuture(
                                (@Nullable Lease) new Lease(key, token(cas, itemFlags), expiresAt, present));
                          }));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Replaces the dead item of CAS {@code cas} by a placeholder lease under namespace version {@code
   * flags}; only one caller can.
   */
  private CompletableFuture<@Nullable Lease> placeholder(
      Target t, String key, long cas, long flags, long seconds, long expiresAt) {
    String placeholder = "C" + cas + " F0 T" + seconds + " c";
    return t.node()
        .submit(Commands.ms(t.key(), new byte[0], placeholder))
        .thenApply(
            stored -> {
              Replies.check(stored);
              return stored.is("HD") ? new Lease(key, token(stored.longFlag('c', 0), flags), expiresAt) : null;
            });
  }

  /**
   * Gives up a win on the item of CAS {@code cas}: writes its own {@code value} and {@code flags}
   * back over it with CAS and its remaining TTL, which makes a new item without the server's "win
   * sent" mark, so that the next {@code mg ... R} wins again. Nothing happens if the item changed
   * (its CAS moved) or expires within the second.
   */
  private CompletableFuture<Void> handBack(Target t, byte[] value, long cas, long flags) {
    return t.node()
        .submit(Commands.mg(t.key(), "c t"))
        .thenCompose(
            reply -> {
              Replies.check(reply);
              long remaining = reply.longFlag('t', 0);
              if (!reply.is("HD") || reply.longFlag('c', -1) != cas || remaining == 0) {
                return CompletableFuture.completedFuture((Void) null);
              }
              String ttlFlag = remaining < 0 ? "" : rules.ttlFlag(Duration.ofSeconds(remaining));
              return t.node()
                  .submit(Commands.ms(t.key(), value, "C" + cas + " F" + flags + ttlFlag))
                  .thenApply(
                      stored -> {
                        Replies.check(stored);
                        return (Void) null;
                      });
            });
  }

  /**
   * Writes under the lease with CAS: fails if the placeholder (or, for a lease over a value, the
   * value) was deleted, replaced or lapsed. The value is written with the namespace version the
   * lease was taken under, and the publish reports failure if the namespace has moved on since: a
   * load that an {@code invalidateAll} overtook stays invisible (written with an old version, it is
   * never served).
   */
  public CompletableFuture<Boolean> publish(Lease lease, byte[] value, @Nullable Duration ttl) {
    try {
      rules.checkSize(lease.key(), value);
      Target t = placement.target(lease.key());
      String ttlFlag = rules.ttlFlag(ttl);
      long cas = casOf(lease);
      long leaseFlags = flagsOf(lease);
      return NamespaceVersions.current(t)
          .thenCompose(
              flags ->
                  t.node()
                      .submit(Commands.ms(t.key(), value, "C" + cas + " F" + leaseFlags + ttlFlag))
                      .thenApply(
                          reply -> {
                            Replies.check(reply);
                            return reply.is("HD") && flags == leaseFlags;
                          }));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Deletes the placeholder if it is still the lease's own (same CAS). A lease over a value leaves
   * the value, and hands the win back if the value is still the one it was taken on.
   */
  public CompletableFuture<Void> release(Lease lease) {
    byte[] replaces = lease.replaces();
    if (replaces != null) {
      try {
        return handBack(placement.target(lease.key()), replaces, casOf(lease), flagsOf(lease));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    try {
      Target t = placement.target(lease.key());
      return t.node().submit(Commands.md(t.key(), "C" + casOf(lease))).thenApply(reply -> {
        Replies.check(reply);
        return null;
      });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Returns the token of a lease on the item of CAS {@code cas}, taken under namespace version {@code flags}. */
  private static String token(long cas, long flags) {
    return cas + ":" + flags;
  }

  private static long casOf(Lease lease) {
    String token = lease.token();
    int colon = token.indexOf(':');
    return Long.parseLong(colon < 0 ? token : token.substring(0, colon));
  }

  private static long flagsOf(Lease lease) {
    String token = lease.token();
    int colon = token.indexOf(':');
    return colon < 0 ? 0 : Long.parseLong(token.substring(colon + 1));
  }
}

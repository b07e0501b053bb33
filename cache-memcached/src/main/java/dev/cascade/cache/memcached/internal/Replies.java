package dev.cascade.cache.memcached.internal;

import dev.cascade.cache.CacheException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/** How the store reads the server's replies: what is an error, a stored write, a served value. Stateless. */
final class Replies {
  private Replies() {}

  /** Throws a {@link CacheException} if {@code reply} is an error line. */
  static void check(MetaResponse reply) {
    if (reply.isError()) {
      throw new CacheException("memcached replied " + reply);
    }
  }

  /** Returns {@code null} if the write was stored, else throws a {@link CacheException}. */
  static @Nullable Void stored(MetaResponse reply) {
    check(reply);
    if (!reply.is("HD")) {
      throw new CacheException("memcached did not store the value: " + reply);
    }
    return null;
  }

  /** Returns {@code null} if the key was deleted or absent, else throws a {@link CacheException}. */
  static @Nullable Void deleted(MetaResponse reply) {
    check(reply);
    if (!reply.is("HD") && !reply.is("NF")) {
      throw new CacheException("memcached did not delete the key: " + reply);
    }
    return null;
  }

  /**
   * Returns the value of a {@code VA} reply whose client flags are {@code expectedFlags}, else
   * {@code null} (a miss, a value of another namespace version, or a lease placeholder when {@code
   * expectedFlags} is 0, which no value is served under).
   */
  static byte @Nullable [] valueIf(MetaResponse reply, long expectedFlags) {
    return isCurrent(reply, expectedFlags) ? reply.value() : null;
  }

  /** Whether {@code reply} is a {@code VA} reply whose client flags are {@code expectedFlags} (see {@link #valueIf}). */
  static boolean isCurrent(MetaResponse reply, long expectedFlags) {
    check(reply);
    return reply.is("VA") && expectedFlags != 0 && reply.longFlag('f', 0) == expectedFlags;
  }

  /** Returns why {@code failed}, which completed exceptionally, failed. */
  static Throwable causeOf(CompletableFuture<?> failed) {
    try {
      failed.join();
      return new IllegalStateException("not failed");
    } catch (CompletionException e) {
      return e.getCause() != null ? e.getCause() : e;
    } catch (CancellationException e) {
      return e;
    }
  }
}

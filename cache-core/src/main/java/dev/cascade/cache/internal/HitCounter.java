package dev.cascade.cache.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * An exact counter for the hottest path (in-process hits), cheaper than a {@link LongAdder} when
 * threads are few: each thread claims a padded slot of its own (by thread id) and increments it
 * with a plain, opaque store, which needs no atomic instruction because the slot has one writer.
 * Threads that find their slot claimed by another thread fall back to a {@code LongAdder}.
 *
 * <p>Invariants: a slot is written only by the thread that claimed it (claims are CAS, never
 * released, so a slot of a dead thread keeps its count); {@link #sum()} reads every slot opaquely,
 * so it sees each writer's increments in order and, after any happens-before edge, all of them.
 * Public for Cascade's own modules (the metrics decorator counts L1 hits with it); not API.
 */
public final class HitCounter {
  private static final int SLOTS = 64; // power of two
  private static final int PAD = 8; // longs per slot: one 64-byte line each
  private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);

  private final AtomicReferenceArray<Thread> owners = new AtomicReferenceArray<>(SLOTS);
  private final long[] counts = new long[(SLOTS + 1) * PAD];
  private final LongAdder overflow = new LongAdder();

  /** Adds one. */
  public void increment() {
    add(1);
  }

  /** Adds {@code delta}. */
  public void add(long delta) {
    Thread current = Thread.currentThread();
    int slot = (int) current.getId() & (SLOTS - 1);
    Thread owner = owners.getPlain(slot);
    if (owner == current || (owner == null && owners.compareAndSet(slot, null, current))) {
      int index = (slot + 1) * PAD;
      COUNTS.setOpaque(counts, index, (long) COUNTS.getOpaque(counts, index) + delta);
    } else {
      overflow.add(delta);
    }
  }

  /** Returns the count so far. */
  public long sum() {
    long total = overflow.sum();
    for (int slot = 0; slot < SLOTS; slot++) {
      total += (long) COUNTS.getOpaque(counts, (slot + 1) * PAD);
    }
    return total;
  }
}

package dev.cascade.cache.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * An exact counter for the hottest paths (in-process hits, puts), cheaper than a {@link LongAdder} when
 * threads are few: each thread claims a slot of its own (by thread id) and increments it with a
 * plain read and an opaque store, which needs no atomic instruction because the slot has one writer. Threads
 * that find their slot claimed by another thread fall back to a {@code LongAdder}.
 *
 * <p>Layout: one {@code long[]} holds every slot, 128 bytes apart: the owner's thread id, then its
 * count, so that an increment touches one slot's memory only (one cache line, or two when the pair
 * straddles a line boundary). Thread ids are never 0 and never reused while the JVM runs.
 *
 * <p>Invariants: a slot's owner id is set once, by CAS from 0, and never changes (a slot of a dead
 * thread keeps its count); its count is written only by the thread with that id; {@link #sum()}
 * reads every count opaquely, so it sees each writer's increments in order and, after any
 * happens-before edge, all of them.
 */
final class HitCounter {
  private static final int SLOTS = 64; // power of two
  // Longs per slot: 128 bytes, so that no cache line holds parts of two slots whatever the array's
  // (8-byte) alignment: a slot's two longs may straddle two lines, but the next slot starts 112
  // bytes after its count.
  private static final int PAD = 16;
  private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);

  /** Slot {@code s} is {@code cells[(s + 1) * PAD]} (owner id) and the next long (count). */
  private final long[] cells = new long[(SLOTS + 2) * PAD];
  private final LongAdder overflow = new LongAdder();

  /** Adds one. */
  void increment() {
    add(1);
  }

  /** Adds {@code delta}. */
  void add(long delta) {
    long[] slots = cells; // one load: the opaque store below would make the JIT reload the field
    long id = Thread.currentThread().getId();
    int owner = ((int) id & (SLOTS - 1)) * PAD + PAD;
    // A plain read of the owner is enough: a thread sees its own claim, and any other value (0, or
    // a stale view of another thread's claim) leads to the CAS, which decides. The count is read
    // plainly too (this thread is its only writer) and published with an opaque store.
    if (slots[owner] == id || claim(slots, owner, id)) {
      CELLS.setOpaque(slots, owner + 1, slots[owner + 1] + delta);
    } else {
      overflow.add(delta);
    }
  }

  /** Claims the slot at {@code owner} for thread {@code id} if no thread has claimed it yet. */
  private static boolean claim(long[] slots, int owner, long id) {
    return (long) CELLS.getVolatile(slots, owner) == 0 && CELLS.compareAndSet(slots, owner, 0L, id);
  }

  /** Returns the count so far. */
  long sum() {
    long total = overflow.sum();
    for (int slot = 0; slot < SLOTS; slot++) {
      total += (long) CELLS.getOpaque(cells, (slot + 1) * PAD + 1);
    }
    return total;
  }
}

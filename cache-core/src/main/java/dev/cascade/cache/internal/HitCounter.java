package dev.cascade.cache.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * An exact counter for the hottest paths (in-process hits, puts), cheaper than a {@link LongAdder} when
 * threads are few: each thread claims a slot of its own (by thread id) and increments it with a
 * plain read and an opaque store, which needs no atomic instruction because the slot has one writer. Threads
 * that find their slot claimed by another live thread fall back to a {@code LongAdder}. A slot whose
 * owner has ended is claimed again by the next thread that maps to it, and keeps counting from the
 * ended thread's count: so a service whose pools replace their threads (the common pool retires idle
 * workers) does not end up with every thread on the {@code LongAdder}.
 *
 * <p>Layout: one {@code long[]} holds every slot, 128 bytes apart: the owner's thread id, then its
 * count, so that an increment touches one slot's memory only (one cache line, or two when the pair
 * straddles a line boundary). Thread ids are never 0 and never reused while the JVM runs.
 *
 * <p>Invariants: a slot's owner id changes only by CAS, from 0 or from the id of a thread that has
 * ended, as seen by {@link Thread#isAlive()} (whose {@code false} follows every action of that
 * thread, so the next owner's plain read of the count sees the last store of the previous one); its
 * count is written only by the thread with that id and never reset. {@code owners} holds, for each
 * slot, the thread that claimed it, once its claim succeeded: a claimant trusts it only if its id is
 * the slot's owner id, so a slot whose owner is not yet recorded is never taken over. {@link #sum()}
 * reads every count opaquely, so it sees each writer's increments in order and, after any
 * happens-before edge, all of them. The ended threads kept in {@code owners} are at most one per slot.
 */
final class HitCounter {
  static final int SLOTS = 64; // power of two
  // Longs per slot: 128 bytes, so that no cache line holds parts of two slots whatever the array's
  // (8-byte) alignment: a slot's two longs may straddle two lines, but the next slot starts 112
  // bytes after its count.
  private static final int PAD = 16;
  private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(long[].class);

  /** Slot {@code s} is {@code cells[(s + 1) * PAD]} (owner id) and the next long (count). */
  private final long[] cells = new long[(SLOTS + 2) * PAD];
  /** Slot {@code s}'s owner thread, recorded after its claim: see the invariants. */
  private final AtomicReferenceArray<Thread> owners = new AtomicReferenceArray<>(SLOTS);
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

  /**
   * Claims the slot at {@code owner} for the current thread, of id {@code id}, if no thread has
   * claimed it yet or the thread that did has ended.
   */
  private boolean claim(long[] slots, int owner, long id) {
    long current = (long) CELLS.getVolatile(slots, owner);
    if (current != 0 && !hasEnded(owner, current)) {
      return false;
    }
    if (!CELLS.compareAndSet(slots, owner, current, id)) {
      return false;
    }
    owners.set(owner / PAD - 1, Thread.currentThread());
    return true;
  }

  /** Whether the thread of id {@code ownerId}, recorded as the owner of the slot at {@code owner}, has ended. */
  private boolean hasEnded(int owner, long ownerId) {
    Thread recorded = owners.get(owner / PAD - 1);
    // getState reads a field; isAlive (a native call) is asked only to confirm an end, for the
    // happens-before edge it gives.
    return recorded != null
        && recorded.getId() == ownerId
        && recorded.getState() == Thread.State.TERMINATED
        && !recorded.isAlive();
  }

  /** The part of the count made by threads that had no slot of their own; for tests. */
  long overflowSum() {
    return overflow.sum();
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

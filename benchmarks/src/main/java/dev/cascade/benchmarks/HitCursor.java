package dev.cascade.benchmarks;

import java.util.concurrent.ThreadLocalRandom;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** One benchmark thread's position in the shared lookup sequence of {@link HitKeys}. */
@State(Scope.Thread)
public class HitCursor {
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    next = ThreadLocalRandom.current().nextInt(HitKeys.SEQUENCE_LENGTH); // threads do not walk in lockstep
  }

  /** Returns the next key to look up; always one the caches hold. */
  Integer next(HitKeys keys) {
    return keys.keys[keys.indices[next++ & HitKeys.MASK]];
  }
}

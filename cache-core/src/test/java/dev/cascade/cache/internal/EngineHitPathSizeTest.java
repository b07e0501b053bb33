package dev.cascade.cache.internal;

import static dev.cascade.cache.internal.BytecodeSize.C1_CLASS_FILE_STACK_SLOTS;
import static dev.cascade.cache.internal.BytecodeSize.codeLength;
import static dev.cascade.cache.internal.BytecodeSize.stackSlotsBeyondParameters;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.spi.LocalTier;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The engine's part of the in-process hit path stays small enough for C1 to inline it whole (see
 * docs/benchmarks.md): C1 inlines up to 35 bytes of bytecode into the method it compiles and 90 %
 * of its caller's allowance at each level below (31, 27, 24, 21 bytes). The path is a view's
 * {@code getIfPresent} or {@code get} (level 1) → {@code CacheEngine.lookupLocal(key)} (2) → {@code
 * lookupLocal(tier, key)} (3) → {@code CaffeineTier.getValueIfPresent} (4, see the memory package's
 * HitPathSizeTest). C1 also refuses a callee whose stack and locals, beyond its parameters, pass
 * {@code C1InlineStackLimit} ({@link BytecodeSize#C1_CLASS_FILE_STACK_SLOTS}). A method over a
 * limit is compiled on its own and called on every hit.
 */
class EngineHitPathSizeTest {

  @Test
  void viewEntryPoints_fitTheFirstLevel() {
    assertThat(codeLength(SyncView.class, "getIfPresent", Object.class)).isLessThanOrEqualTo(35);
    assertThat(codeLength(SyncView.class, "get", Object.class, Function.class)).isLessThanOrEqualTo(35);
  }

  @Test
  void engineLookup_fitsTheSecondLevel() {
    assertThat(codeLength(CacheEngine.class, "lookupLocal", Object.class)).isLessThanOrEqualTo(31);
    assertThat(stackSlotsBeyondParameters(CacheEngine.class, "lookupLocal", Object.class))
        .isLessThanOrEqualTo(C1_CLASS_FILE_STACK_SLOTS);
  }

  @Test
  void countedTierLookup_fitsTheThirdLevel() {
    assertThat(codeLength(CacheEngine.class, "lookupLocal", LocalTier.class, Object.class)).isLessThanOrEqualTo(27);
    assertThat(stackSlotsBeyondParameters(CacheEngine.class, "lookupLocal", LocalTier.class, Object.class))
        .isLessThanOrEqualTo(C1_CLASS_FILE_STACK_SLOTS);
  }
}

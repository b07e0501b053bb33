package dev.cascade.cache.memory;

import static dev.cascade.cache.internal.BytecodeSize.C1_CLASS_FILE_STACK_SLOTS;
import static dev.cascade.cache.internal.BytecodeSize.codeLength;
import static dev.cascade.cache.internal.BytecodeSize.stackSlotsBeyondParameters;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The in-process tier's part of the hit path stays small enough for C1 to inline it (see
 * docs/benchmarks.md and internal.EngineHitPathSizeTest). C1 inlines up to 35 bytes of
 * bytecode into the method it compiles and 90 % of its caller's allowance at each level below: 31,
 * 27, 24, 21, 18 bytes. {@code CaffeineTier.getValueIfPresent} is four calls below the cache's
 * {@code getIfPresent} and must fit even when that caller is itself inlined one level down (21
 * bytes); the check whether the tier holds holders is one level further (18 bytes), and the holder
 * check of a tier that does one more (16 bytes).
 */
class HitPathSizeTest {

  @Test
  void getValueIfPresent_fitsC1sInliningAllowanceAtItsDepth() {
    assertThat(codeLength(CaffeineTier.class, "getValueIfPresent", Object.class)).isLessThanOrEqualTo(21);
    assertThat(stackSlotsBeyondParameters(CaffeineTier.class, "getValueIfPresent", Object.class))
        .isLessThanOrEqualTo(C1_CLASS_FILE_STACK_SLOTS);
  }

  @Test
  void unwrapped_fitsC1sInliningAllowanceOneLevelFurther() {
    assertThat(codeLength(CaffeineTier.class, "unwrapped", Object.class, Object.class)).isLessThanOrEqualTo(18);
  }

  @Test
  void valueOrHeld_fitsC1sInliningAllowanceTwoLevelsFurther() {
    assertThat(codeLength(CaffeineTier.class, "valueOrHeld", Object.class, Object.class)).isLessThanOrEqualTo(16);
  }
}

package dev.cascade.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class BytecodeSizeTest {

  /** Methods of known bytecode, by javac's fixed translation. */
  abstract static class Fixture implements Supplier<String> {
    static int answer() {
      return 42; // bipush 42, ireturn: 3 bytes
    }

    static long answer(long x) {
      return x; // lload_0, lreturn: 2 bytes
    }

    double pi = 3.14; // a Double constant: two constant pool slots

    @Override
    public String get() { // javac adds a bridge get()Object
      return "x"; // ldc, areturn: 3 bytes
    }

    abstract void nothing();
  }

  @Test
  void codeLength_methodsByParameterTypes_returnsTheirBytecodeLength() {
    assertThat(BytecodeSize.codeLength(Fixture.class, "answer")).isEqualTo(3);
    assertThat(BytecodeSize.codeLength(Fixture.class, "answer", long.class)).isEqualTo(2);
  }

  @Test
  void stackSlotsBeyondParameters_countsStackAndLocalsLessParameters() {
    // static answer(): max_stack 1, max_locals 0, no parameters
    assertThat(BytecodeSize.stackSlotsBeyondParameters(Fixture.class, "answer")).isEqualTo(1);
    // static answer(long): max_stack 2, max_locals 2, the long parameter's two slots
    assertThat(BytecodeSize.stackSlotsBeyondParameters(Fixture.class, "answer", long.class)).isEqualTo(2);
    // get(): max_stack 1, max_locals 1 (this), this's slot
    assertThat(BytecodeSize.stackSlotsBeyondParameters(Fixture.class, "get")).isEqualTo(1);
  }

  @Test
  void codeLength_methodWithABridge_measuresTheDeclaredMethod() {
    assertThat(BytecodeSize.codeLength(Fixture.class, "get")).isEqualTo(3);
  }

  @Test
  void codeLength_missingOrAbstractMethod_throwsNamingIt() {
    assertThatThrownBy(() -> BytecodeSize.codeLength(Fixture.class, "answer", int.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no method")
        .hasMessageContaining("answer(I)");
    assertThatThrownBy(() -> BytecodeSize.codeLength(Fixture.class, "nothing"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no bytecode");
  }
}

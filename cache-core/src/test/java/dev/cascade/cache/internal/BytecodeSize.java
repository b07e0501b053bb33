package dev.cascade.cache.internal;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads the length of a method's bytecode (the {@code code_length} of its {@code Code} attribute),
 * and the stack slots it uses, from the compiled class file, so that a test can state the limits a
 * JIT trick depends on (C1 inlines a callee only up to a size and a stack use: docs/benchmarks.md).
 * A small reader of the class-file format (JVMS chapter 4): no dependency. Stateless; safe from
 * any thread.
 */
public final class BytecodeSize {
  /**
   * The most stack slots beyond its parameters ({@link #stackSlotsBeyondParameters}) that a method
   * can use, by its class file, and still be inlined by C1: {@code C1InlineStackLimit} (5 on JDK
   * 17) less one: C1's check ({@code GraphBuilder::try_inline_full}) reads {@code
   * Method::max_stack()}, which is the class file's {@code max_stack} plus {@code
   * Method::extra_stack_entries()}, one slot kept for the appendix argument of {@code
   * invokedynamic} and method handle calls ({@code method.hpp}, JDK 17). A method at 5 by its
   * class file was refused ("callee uses too much stack", {@code -XX:+LogCompilation}).
   */
  public static final int C1_CLASS_FILE_STACK_SLOTS = 4;

  private static final int ACC_STATIC = 0x0008;
  private static final int ACC_BRIDGE = 0x0040;
  private static final int ACC_SYNTHETIC = 0x1000;

  private BytecodeSize() {}

  /**
   * Returns the number of bytes of bytecode of the method {@code methodName} of {@code type} that
   * takes {@code parameterTypes} (erased: a parameter of a type variable {@code K} is {@code
   * Object.class}). Bridge and synthetic methods are ignored when a declared one matches.
   *
   * @throws IllegalArgumentException if no method, or more than one, matches, or the method has no
   *     bytecode (abstract or native)
   * @throws UncheckedIOException if the class file cannot be read
   */
  public static int codeLength(Class<?> type, String methodName, Class<?>... parameterTypes) {
    return code(type, methodName, parameterTypes).codeLength();
  }

  /**
   * Returns the stack slots the method {@code methodName} of {@code type} that takes {@code
   * parameterTypes} uses beyond its parameters: its {@code max_stack} plus its {@code max_locals}
   * minus the slots of its parameters (and of {@code this}). C1 inlines a method (that is not
   * recursive) only if this is at most {@link #C1_CLASS_FILE_STACK_SLOTS}; same rules and
   * exceptions as {@link #codeLength}.
   */
  public static int stackSlotsBeyondParameters(Class<?> type, String methodName, Class<?>... parameterTypes) {
    MethodCode code = code(type, methodName, parameterTypes);
    int parameterSlots = (code.access() & ACC_STATIC) != 0 ? 0 : 1;
    for (Class<?> parameter : parameterTypes) {
      parameterSlots += parameter == long.class || parameter == double.class ? 2 : 1;
    }
    return code.maxStack() + code.maxLocals() - parameterSlots;
  }

  /** What the class file says of one method: its access flags and its {@code Code} attribute's figures. */
  private record MethodCode(int access, int maxStack, int maxLocals, int codeLength) {}

  /** The one method that matches, with its code (see {@link #codeLength} for the rules and exceptions). */
  private static MethodCode code(Class<?> type, String methodName, Class<?>... parameterTypes) {
    String parameters =
        Arrays.stream(parameterTypes).map(Class::descriptorString).collect(Collectors.joining("", "(", ")"));
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile(type)))) {
      if (in.readInt() != 0xCAFEBABE) {
        throw new IllegalArgumentException("not a class file: " + type.getName());
      }
      skip(in, 4); // minor and major version
      String[] utf8 = readConstantPool(in);
      skip(in, 6); // access flags, this class, super class
      skip(in, 2 * in.readUnsignedShort()); // interfaces
      int fields = in.readUnsignedShort();
      for (int i = 0; i < fields; i++) {
        skip(in, 6);
        skipAttributes(in);
      }
      List<MethodCode> matches = new ArrayList<>();
      int methods = in.readUnsignedShort();
      for (int i = 0; i < methods; i++) {
        int access = in.readUnsignedShort();
        String name = utf8[in.readUnsignedShort()];
        String descriptor = utf8[in.readUnsignedShort()];
        boolean match = name.equals(methodName) && descriptor.startsWith(parameters);
        MethodCode code = new MethodCode(access, 0, 0, -1);
        int attributes = in.readUnsignedShort();
        for (int a = 0; a < attributes; a++) {
          String attribute = utf8[in.readUnsignedShort()];
          int length = in.readInt();
          if (match && attribute.equals("Code")) {
            code = new MethodCode(access, in.readUnsignedShort(), in.readUnsignedShort(), in.readInt());
            skip(in, length - 8);
          } else {
            skip(in, length);
          }
        }
        if (match) {
          matches.add(code);
        }
      }
      if (matches.size() > 1) {
        matches.removeIf(m -> (m.access() & (ACC_BRIDGE | ACC_SYNTHETIC)) != 0);
      }
      String method = type.getName() + "." + methodName + parameters;
      if (matches.size() != 1) {
        throw new IllegalArgumentException(
            (matches.isEmpty() ? "no method " : "several methods ") + method + " in the class file");
      }
      if (matches.get(0).codeLength() < 0) {
        throw new IllegalArgumentException("method " + method + " has no bytecode");
      }
      return matches.get(0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the class file of " + type.getName(), e);
    }
  }

  private static byte[] classFile(Class<?> type) throws IOException {
    String resource = "/" + type.getName().replace('.', '/') + ".class";
    try (InputStream in = type.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("no resource " + resource);
      }
      return in.readAllBytes();
    }
  }

  /** Reads the constant pool; returns its Utf8 entries by index (other entries are null). */
  private static String[] readConstantPool(DataInputStream in) throws IOException {
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF(); // modified UTF-8 with a u2 length, as DataInput reads it
        case 7, 8, 16, 19, 20 -> skip(in, 2); // Class, String, MethodType, Module, Package
        case 15 -> skip(in, 3); // MethodHandle
        case 3, 4, 9, 10, 11, 12, 17, 18 -> skip(in, 4); // Integer, Float, refs, NameAndType, (Invoke)Dynamic
        case 5, 6 -> { // Long, Double take two slots
          skip(in, 8);
          i++;
        }
        default -> throw new IOException("unknown constant pool tag " + tag + " at index " + i);
      }
    }
    return utf8;
  }

  private static void skipAttributes(DataInputStream in) throws IOException {
    int attributes = in.readUnsignedShort();
    for (int a = 0; a < attributes; a++) {
      skip(in, 2);
      skip(in, in.readInt());
    }
  }

  private static void skip(DataInputStream in, int bytes) throws IOException {
    in.readFully(new byte[bytes]);
  }
}

package dev.cascade.cache.codec;

import dev.cascade.cache.spi.Codec;
import dev.cascade.cache.spi.CodecException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Stores strings as UTF-8. Decoding rejects malformed UTF-8 with a {@link CodecException} rather
 * than replacing characters, so a foreign binary value is a miss, not a garbled string.
 * Thread-safe.
 */
public final class StringCodec implements Codec<String> {
  private static final StringCodec INSTANCE = new StringCodec();

  private StringCodec() {}

  /** Returns the shared instance. */
  public static StringCodec create() {
    return INSTANCE;
  }

  @Override
  public byte[] encode(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  @Override
  public String decode(byte[] bytes, int offset, int length) {
    java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, offset, length))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CodecException("value is not valid UTF-8 (" + length + " bytes)", e);
    }
  }
}

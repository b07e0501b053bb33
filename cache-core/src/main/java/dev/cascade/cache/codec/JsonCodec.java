package dev.cascade.cache.codec;

import dev.cascade.cache.spi.Codec;
import dev.cascade.cache.spi.CodecException;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.DeserializationProblemHandler;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores values as JSON with Jackson 3, always read back as one explicit target type: no default
 * typing, no class names taken from the data, so a value carrying {@code @class} cannot make the
 * codec load a class, and a value carrying such a type id is rejected as foreign. Other unknown
 * properties are ignored, so values written by a newer release still read. Jackson's stream limits apply (nesting depth 500, string length) and the
 * default mapper reads documents of at most {@link #MAX_DOCUMENT_BYTES}, so hostile documents fail with a {@link CodecException} instead of exhausting the stack.
 *
 * <p>Thread-safe once built. Requires {@code tools.jackson.core:jackson-databind} on the class path
 * (optional for {@code cache-core}, a normal dependency of the remote modules).
 */
public final class JsonCodec<V> implements Codec<V> {
  /** The largest document the default mapper reads; larger values are counted misses. */
  public static final long MAX_DOCUMENT_BYTES = 16L * 1024 * 1024;

  private static final ObjectMapper DEFAULT_MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxDocumentLength(MAX_DOCUMENT_BYTES).build())
                  .build())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .addHandler(new RejectTypeIds())
          .build();

  private final ObjectMapper mapper;
  private final JavaType type;

  private JsonCodec(ObjectMapper mapper, JavaType type) {
    this.mapper = mapper;
    this.type = type;
  }

  /** Returns a codec for {@code type} with a mapper that ignores unknown properties. */
  public static <V> JsonCodec<V> of(Class<V> type) {
    Objects.requireNonNull(type, "type");
    return new JsonCodec<>(DEFAULT_MAPPER, DEFAULT_MAPPER.constructType(type));
  }

  /** Returns a codec for a generic type such as {@code new TypeReference<List<Product>>() {}}. */
  public static <V> JsonCodec<V> of(TypeReference<V> type) {
    Objects.requireNonNull(type, "type");
    return new JsonCodec<>(DEFAULT_MAPPER, DEFAULT_MAPPER.constructType(type));
  }

  /**
   * Returns a codec for {@code type} using {@code mapper}. The mapper must not enable default
   * typing; this is checked only by what it produces, so keep it to explicit types.
   */
  public static <V> JsonCodec<V> of(Class<V> type, ObjectMapper mapper) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(mapper, "mapper");
    return new JsonCodec<>(mapper, mapper.constructType(type));
  }

  /**
   * Returns a codec for a generic type such as {@code new TypeReference<List<Product>>() {}} using
   * {@code mapper}, under the same rule as {@link #of(Class, ObjectMapper)}.
   */
  public static <V> JsonCodec<V> of(TypeReference<V> type, ObjectMapper mapper) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(mapper, "mapper");
    return new JsonCodec<>(mapper, mapper.constructType(type));
  }

  @Override
  public byte[] encode(V value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JacksonException e) {
      throw new CodecException("cannot write " + value.getClass().getName() + " as JSON", e);
    }
  }

  @Override
  public V decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  @Override
  public V decode(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    try {
      V value = mapper.readValue(bytes, offset, length, type);
      if (value == null) {
        throw new CodecException("JSON null is not a value of " + type, null);
      }
      return value;
    } catch (JacksonException | StackOverflowError e) {
      throw new CodecException("cannot read " + length + " bytes as " + type, e);
    }
  }

  /**
   * Unknown properties are skipped (so a field added by a newer release does not make older
   * instances miss), except type ids such as {@code @class} or {@code @type}: a value carrying one
   * was written by a polymorphic serializer, is foreign here, and is rejected as corrupt.
   */
  private static final class RejectTypeIds extends DeserializationProblemHandler {
    @Override
    public boolean handleUnknownProperty(
        DeserializationContext context,
        JsonParser parser,
        ValueDeserializer<?> deserializer,
        Object beanOrClass,
        String propertyName) {
      if (propertyName.startsWith("@")) {
        context.reportInputMismatch(deserializer, "type id property '%s' is not accepted", propertyName);
      }
      return false;
    }
  }

  @Override
  public String toString() {
    return "JsonCodec[" + type + "]";
  }
}

/** Value codecs ({@code JsonCodec}, {@code StringCodec}, {@code BytesCodec}) and the remote envelope. */
@NullMarked
package dev.cascade.cache.codec;

import org.jspecify.annotations.NullMarked;

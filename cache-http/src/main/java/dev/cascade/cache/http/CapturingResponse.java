package dev.cascade.cache.http;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The response a handler writes while its output may be stored: headers and status go to the real
 * response at once, the body into a buffer of at most {@code limit} bytes. The buffer is given up —
 * its bytes written to the real response and every later byte passed straight through — when the
 * body outgrows the limit, when the handler writes after it flushed (it is streaming), or when it
 * sends an error or a redirect; such a response is {@linkplain #passedThrough() passed through} and
 * never stored. Content length set by the handler is held back while buffering (the filter sets the
 * real one).
 *
 * <p>A flush sends what the buffer holds to the client at once, and the buffer keeps it: a handler
 * that flushes once it has written everything (Spring MVC ends a {@code ResponseEntity} with {@code
 * flushBuffer()}) still produces a response that can be stored, already {@linkplain #sentEarly()
 * sent}. Only a write after a flush makes it streaming.
 *
 * <p>Invariants: {@code sent} bytes at the start of {@code buffer} have been written to the real
 * response, and {@code flushed} means the real response is committed; {@code buffer} is null
 * exactly when {@code passedThrough}.
 *
 * <p>Used by one request's thread (or the threads the container hands an async request to, one at
 * a time); not thread-safe.
 */
final class CapturingResponse extends HttpServletResponseWrapper {
  private final int limit;
  private @Nullable ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
  private boolean passedThrough;
  /** Whether the handler flushed while its body was being buffered. */
  private boolean flushed;
  /** How many bytes at the start of the buffer went to the client with a flush. */
  private int sent;
  private boolean finishing;
  private boolean cookieAdded;
  private long contentLength = -1;
  private @Nullable CaptureStream stream;
  private @Nullable PrintWriter writer;

  CapturingResponse(HttpServletResponse response, int limit) {
    super(response);
    this.limit = limit;
  }

  /** Whether the body went (or goes) straight to the client: this response is not stored. */
  boolean passedThrough() {
    return passedThrough;
  }

  /**
   * Whether the handler flushed while its body was buffered, so that the client has the response
   * (status, headers and the body written so far) already: the filter must not write it again.
   */
  boolean sentEarly() {
    return flushed;
  }

  /** Whether the handler added a cookie through {@link #addCookie}. */
  boolean cookieAdded() {
    return cookieAdded;
  }

  /** Ends the handler's writing: flushes its writer into the buffer; returns the body, or {@code null} if passed through. */
  byte @Nullable [] finish() throws IOException {
    finishing = true;
    if (writer != null) {
      writer.flush();
    }
    finishing = false;
    return passedThrough || buffer == null ? null : buffer.toByteArray();
  }

  /** Gives up the buffer: what it holds goes to the client, and so will everything after it. */
  void passThrough() throws IOException {
    if (passedThrough) {
      return;
    }
    passedThrough = true;
    if (contentLength >= 0 && !flushed) {
      super.setContentLengthLong(contentLength);
    }
    ByteArrayOutputStream held = buffer;
    buffer = null;
    if (held != null) {
      sendUnsent(held);
    }
  }

  /** Writes to the client what {@code held} has beyond the {@code sent} bytes it already sent. */
  private void sendUnsent(ByteArrayOutputStream held) throws IOException {
    if (held.size() > sent) {
      byte[] bytes = held.toByteArray();
      super.getOutputStream().write(bytes, sent, bytes.length - sent);
      sent = bytes.length;
    }
  }

  /**
   * The handler flushed: sends what the buffer holds and has not been sent yet, and the buffer keeps
   * it, so that a response complete at its flush can still be stored.
   */
  private void flushBuffered() throws IOException {
    if (!flushed && contentLength >= 0) {
      super.setContentLengthLong(contentLength); // the response commits now, with the handler's length
    }
    flushed = true;
    ByteArrayOutputStream held = buffer;
    if (held != null) {
      sendUnsent(held);
    }
    super.getOutputStream().flush();
  }

  @Override
  public ServletOutputStream getOutputStream() throws IOException {
    if (writer != null) {
      throw new IllegalStateException("getWriter() was already called on this response");
    }
    if (stream == null) {
      stream = new CaptureStream();
    }
    return stream;
  }

  @Override
  public PrintWriter getWriter() throws IOException {
    if (writer == null) {
      if (stream != null) {
        throw new IllegalStateException("getOutputStream() was already called on this response");
      }
      String encoding = getCharacterEncoding();
      super.setCharacterEncoding(encoding); // as the container's own getWriter() would: the charset goes into Content-Type
      stream = new CaptureStream();
      writer = new PrintWriter(new OutputStreamWriter(stream, Charset.forName(encoding)), false);
    }
    return writer;
  }

  @Override
  public void flushBuffer() throws IOException {
    if (writer != null) {
      writer.flush(); // through the stream's flush: buffered bytes go out
    }
    if (!passedThrough) {
      flushBuffered();
    }
    super.flushBuffer();
  }

  @Override
  public void resetBuffer() {
    if (passedThrough || flushed) {
      super.resetBuffer(); // committed: the container refuses, as it would without this wrapper
    } else if (buffer != null) {
      buffer.reset();
    }
  }

  @Override
  public void reset() {
    super.reset(); // after a flush the response is committed, and this throws
    if (!passedThrough && buffer != null) {
      buffer.reset();
    }
    contentLength = -1;
    cookieAdded = false;
  }

  @Override
  public void sendError(int sc, String msg) throws IOException {
    giveUp();
    super.sendError(sc, msg);
  }

  @Override
  public void sendError(int sc) throws IOException {
    giveUp();
    super.sendError(sc);
  }

  @Override
  public void sendRedirect(String location) throws IOException {
    giveUp();
    super.sendRedirect(location);
  }

  @Override
  public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
    giveUp();
    super.sendRedirect(location, sc, clearBuffer);
  }

  /** The container writes this response itself (error page, redirect): nothing of ours is sent. */
  private void giveUp() {
    passedThrough = true;
    buffer = null;
  }

  @Override
  public void addCookie(Cookie cookie) {
    cookieAdded = true;
    super.addCookie(cookie);
  }

  @Override
  public void setContentLength(int len) {
    setContentLengthLong(len);
  }

  @Override
  public void setContentLengthLong(long len) {
    if (passedThrough) {
      super.setContentLengthLong(len);
    } else {
      contentLength = len;
    }
  }

  @Override
  public void setHeader(String name, @Nullable String value) {
    if (isContentLength(name)) {
      setContentLengthLong(value == null ? -1 : parseLength(value));
    } else {
      super.setHeader(name, value);
    }
  }

  @Override
  public void addHeader(String name, @Nullable String value) {
    if (isContentLength(name)) {
      setContentLengthLong(value == null ? -1 : parseLength(value));
    } else {
      super.addHeader(name, value);
    }
  }

  @Override
  public void setIntHeader(String name, int value) {
    if (isContentLength(name)) {
      setContentLengthLong(value);
    } else {
      super.setIntHeader(name, value);
    }
  }

  @Override
  public void addIntHeader(String name, int value) {
    if (isContentLength(name)) {
      setContentLengthLong(value);
    } else {
      super.addIntHeader(name, value);
    }
  }

  private static boolean isContentLength(String name) {
    return name.toLowerCase(Locale.ROOT).equals("content-length");
  }

  private static long parseLength(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Writes into the buffer until it gives up, then to the real response. */
  private final class CaptureStream extends ServletOutputStream {
    @Override
    public void write(int b) throws IOException {
      if (!passedThrough && (flushed || buffer.size() + 1 > limit)) {
        passThrough(); // a write after a flush is streaming
      }
      if (passedThrough) {
        CapturingResponse.super.getOutputStream().write(b);
      } else {
        buffer.write(b);
      }
    }

    @Override
    public void write(byte[] bytes, int off, int len) throws IOException {
      if (!passedThrough && (flushed || buffer.size() + len > limit)) {
        passThrough(); // a write after a flush is streaming
      }
      if (passedThrough) {
        CapturingResponse.super.getOutputStream().write(bytes, off, len);
      } else {
        buffer.write(bytes, off, len);
      }
    }

    @Override
    public void flush() throws IOException {
      if (finishing) {
        return;
      }
      if (passedThrough) {
        CapturingResponse.super.getOutputStream().flush();
      } else {
        flushBuffered();
      }
    }

    @Override
    public boolean isReady() {
      return passedThrough ? readyOfRealStream() : true;
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      try {
        passThrough();
        CapturingResponse.super.getOutputStream().setWriteListener(listener);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private boolean readyOfRealStream() {
    try {
      return super.getOutputStream().isReady();
    } catch (IOException e) {
      return false;
    }
  }
}

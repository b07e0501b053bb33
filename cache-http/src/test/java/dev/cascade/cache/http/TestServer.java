package dev.cascade.cache.http;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real Jetty 12 (ee10) on a free loopback port with servlets and, optionally, the cache filter in
 * front of them; plus a real HTTP client. It takes the scheme and host a proxy in front received
 * from {@code X-Forwarded-*} and {@code Forwarded} headers. Closing it stops the server.
 */
final class TestServer implements AutoCloseable {
  private final Server server;
  private final URI base;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private TestServer(Server server, URI base) {
    this.server = server;
    this.base = base;
  }

  /** Starts Jetty with {@code servlets} (path spec to servlet) behind {@code cache}'s filter (if not null). */
  static TestServer start(HttpResponseCache cache, Map<String, HttpServlet> servlets) {
    return start(cache, servlets, null);
  }

  /** As {@link #start(HttpResponseCache, Map)}, with {@code outer} in front of the cache filter. */
  static TestServer start(HttpResponseCache cache, Map<String, HttpServlet> servlets, jakarta.servlet.Filter outer) {
    return start(cache, servlets, outer, context -> {});
  }

  /**
   * As {@link #start(HttpResponseCache, Map, jakarta.servlet.Filter)}, with {@code configure} given the
   * context (which has sessions) before it starts; {@code outer} may be null.
   */
  static TestServer start(
      HttpResponseCache cache,
      Map<String, HttpServlet> servlets,
      jakarta.servlet.Filter outer,
      Consumer<ServletContextHandler> configure) {
    try {
      // 200 handlers may block at once in the stampede tests, plus Jetty's own threads.
      Server server = new Server(new org.eclipse.jetty.util.thread.QueuedThreadPool(500));
      ServerConnector connector = new ServerConnector(server);
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      // Requests may say the scheme and host a proxy in front received (X-Forwarded-*, Forwarded).
      connector.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration()
          .addCustomizer(new ForwardedRequestCustomizer());
      server.addConnector(connector);
      ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
      context.setContextPath("/");
      configure.accept(context);
      if (outer != null) {
        FilterHolder holder = new FilterHolder(outer);
        holder.setAsyncSupported(true);
        context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
      }
      if (cache != null) {
        FilterHolder holder = new FilterHolder(cache.filter());
        holder.setAsyncSupported(true);
        context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
      }
      servlets.forEach((path, servlet) -> {
        ServletHolder holder = new ServletHolder(servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, path);
      });
      server.setHandler(context);
      server.start();
      return new TestServer(server, URI.create("http://localhost:" + connector.getLocalPort()));
    } catch (Exception e) {
      throw new IllegalStateException("Jetty did not start", e);
    }
  }

  URI uri(String pathAndQuery) {
    return base.resolve(pathAndQuery);
  }

  HttpResponse<String> get(String pathAndQuery, String... headers) {
    return send(HttpRequest.newBuilder(uri(pathAndQuery)).GET(), headers);
  }

  HttpResponse<String> head(String pathAndQuery, String... headers) {
    return send(HttpRequest.newBuilder(uri(pathAndQuery)).method("HEAD", HttpRequest.BodyPublishers.noBody()), headers);
  }

  private HttpResponse<String> send(HttpRequest.Builder request, String... headers) {
    if (headers.length > 0) {
      request.headers(headers);
    }
    try {
      return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}

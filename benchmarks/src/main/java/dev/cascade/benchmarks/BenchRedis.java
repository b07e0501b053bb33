package dev.cascade.benchmarks;

import dev.cascade.cache.testkit.ServerProcess;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The Redis a load benchmark runs against: the URI given as its first argument, or (for {@code -}
 * or no argument) a redis-server started here on a free loopback port without persistence, and
 * stopped by {@link #close()}.
 */
final class BenchRedis implements AutoCloseable {
  private final String uri;
  private final @Nullable ServerProcess server;

  private BenchRedis(String uri, @Nullable ServerProcess server) {
    this.uri = uri;
    this.server = server;
  }

  /** Returns the Redis that {@code args[0]} names, starting one for {@code -} or no argument. */
  static BenchRedis fromArgs(String[] args) {
    if (args.length > 0 && !args[0].equals("-")) {
      return new BenchRedis(args[0], null);
    }
    String binary =
        ServerProcess.findBinary("redis-server").orElseThrow(() -> new IllegalStateException("install redis-server"));
    ServerProcess server =
        ServerProcess.start(
            "bench-redis",
            port -> List.of(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
    return new BenchRedis("redis://127.0.0.1:" + server.port(), server);
  }

  String uri() {
    return uri;
  }

  @Override
  public void close() {
    if (server != null) {
      server.close();
    }
  }
}

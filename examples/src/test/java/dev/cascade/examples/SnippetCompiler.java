package dev.cascade.examples;

import dev.cascade.examples.DocBlocks.Block;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * Compiles the Java blocks of the docs with {@code javax.tools.JavaCompiler} against the test class
 * path, and reports each compiler error at the page and line of the block it came from.
 *
 * <p>A statements block becomes the body of a method {@code throws Exception} in a class of package
 * {@code dev.cascade.examples} that extends {@link DocContext} (the names the docs use without
 * declaring them: {@code repository}, {@code users}, {@code registry}, ...) and imports the public
 * packages of every Cascade module, {@code java.time}, {@code java.util(.concurrent, .function)},
 * {@code java.math}, Lettuce, Micrometer, JUnit 5, and statically AssertJ's and Awaitility's
 * assertions. A members block becomes the body of such a class. A unit block is a whole source file,
 * compiled as written (its own package and imports). Thread-safe (no state).
 */
final class SnippetCompiler {
  private static final Pattern PUBLIC_TYPE =
      Pattern.compile("(?m)^public\\s+(?:final\\s+|abstract\\s+)*(?:class|record|interface|enum)\\s+(\\w+)");
  private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;");
  static final List<String> IMPORTS =
      List.of(
          "dev.cascade.cache.*",
          "dev.cascade.cache.spi.*",
          "dev.cascade.cache.codec.*",
          "dev.cascade.cache.memory.*",
          "dev.cascade.cache.redis.*",
          "dev.cascade.cache.memcached.*",
          "dev.cascade.cache.metrics.*",
          "dev.cascade.cache.testkit.*",
          "io.lettuce.core.ClientOptions",
          "io.lettuce.core.RedisClient",
          "io.lettuce.core.RedisURI",
          "io.lettuce.core.SslOptions",
          "io.lettuce.core.SslVerifyMode",
          "io.lettuce.core.cluster.RedisClusterClient",
          "io.lettuce.core.cluster.ClusterClientOptions",
          "io.lettuce.core.cluster.ClusterTopologyRefreshOptions",
          "io.lettuce.core.resource.ClientResources",
          "io.lettuce.core.resource.Delay",
          "io.micrometer.core.instrument.MeterRegistry",
          "io.micrometer.prometheusmetrics.PrometheusConfig",
          "io.micrometer.prometheusmetrics.PrometheusMeterRegistry",
          "tools.jackson.core.type.TypeReference",
          "java.io.File",
          "java.math.*",
          "java.time.*",
          "java.util.*",
          "java.util.concurrent.*",
          "java.util.function.*",
          "org.junit.jupiter.api.AfterAll",
          "org.junit.jupiter.api.BeforeAll",
          "org.junit.jupiter.api.Test",
          "org.junit.jupiter.api.extension.RegisterExtension",
          "static org.assertj.core.api.Assertions.assertThat",
          "static org.awaitility.Awaitility.await");

  /** A compiler error at a page's line. */
  record Problem(String where, String message) {
    @Override
    public String toString() {
      return where + ": " + message;
    }
  }

  private SnippetCompiler() {}

  /**
   * Compiles {@code blocks} (Java blocks only; {@code continues} blocks join the unit before them)
   * and returns the compiler's errors, each at the page and line it points to. A marker this class
   * does not know is a problem too.
   */
  static List<Problem> compile(List<Block> blocks) {
    List<Problem> problems = new ArrayList<>();
    List<Unit> units = new ArrayList<>();
    Unit current = null;
    for (Block block : blocks) {
      if (!block.isJava()) {
        continue;
      }
      String kind = "statements";
      boolean continues = false;
      if (block.marker() != null) {
        if (!block.marker().kind().equals("snippet")) {
          problems.add(new Problem(block.where(), "an output marker before a Java block"));
          continue;
        }
        String argument = block.marker().argument();
        if (argument.startsWith("excerpt of ")) {
          continue; // checked against its source file, which the build compiles
        }
        for (String word : argument.split("\\s+")) {
          switch (word) {
            case "members" -> kind = "members";
            case "unit" -> kind = "unit";
            case "continues" -> continues = true;
            default -> problems.add(new Problem(block.where(), "unknown snippet marker word '" + word + "'"));
          }
        }
      }
      if (continues) {
        if (current == null || !current.file.equals(block.file()) || !current.kind.equals(kind)) {
          problems.add(new Problem(block.where(), "'continues' needs a Java block of the same kind before it on the page"));
          continue;
        }
        current.blocks.add(block);
      } else {
        current = new Unit(block.file(), kind, units.size());
        current.blocks.add(block);
        units.add(current);
      }
    }
    if (units.isEmpty()) {
      return problems;
    }
    List<Source> sources = new ArrayList<>();
    for (Unit unit : units) {
      sources.add(unit.source());
    }
    problems.addAll(run(sources));
    return problems;
  }

  /** One compilation unit: one block, or several joined by {@code continues}. */
  private static final class Unit {
    final String file;
    final String kind;
    final int index;
    final List<Block> blocks = new ArrayList<>();

    Unit(String file, String kind, int index) {
      this.file = file;
      this.kind = kind;
      this.index = index;
    }

    Source source() {
      if (kind.equals("unit")) {
        return unitSource();
      }
      String className =
          "Snippet" + index + "_" + blocks.get(0).file().replaceAll("[^A-Za-z0-9]", "_") + "_" + blocks.get(0).firstLine();
      StringBuilder text = new StringBuilder();
      List<String> origins = new ArrayList<>(); // origins.get(n) is where generated line n + 1 comes from
      String where = blocks.get(0).where();
      line(text, origins, "package dev.cascade.examples;", where);
      for (String imported : IMPORTS) {
        line(text, origins, "import " + imported + ";", where);
      }
      line(text, origins, "@SuppressWarnings(\"all\")", where);
      line(text, origins, "final class " + className + " extends DocContext {", where);
      if (kind.equals("statements")) {
        line(text, origins, "void snippet() throws Exception {", where);
      }
      for (Block block : blocks) {
        for (int i = 0; i < block.lines().size(); i++) {
          line(text, origins, block.lines().get(i), block.file() + ":" + (block.firstLine() + i));
        }
      }
      if (kind.equals("statements")) {
        line(text, origins, "}", blocks.get(blocks.size() - 1).where());
      }
      line(text, origins, "}", blocks.get(blocks.size() - 1).where());
      return new Source(URI.create("string:///dev/cascade/examples/" + className + ".java"), text.toString(), origins);
    }

    /** A complete compilation unit, as written: named for its public type, in its own package. */
    private Source unitSource() {
      StringBuilder text = new StringBuilder();
      List<String> origins = new ArrayList<>();
      for (Block block : blocks) {
        for (int i = 0; i < block.lines().size(); i++) {
          line(text, origins, block.lines().get(i), block.file() + ":" + (block.firstLine() + i));
        }
      }
      Matcher type = PUBLIC_TYPE.matcher(text);
      Matcher pkg = PACKAGE.matcher(text);
      String name = type.find() ? type.group(1) : "Unit" + index;
      String path = pkg.find() ? pkg.group(1).replace('.', '/') + "/" : "";
      return new Source(URI.create("string:///" + path + name + ".java"), text.toString(), origins);
    }

    private static void line(StringBuilder text, List<String> origins, String line, String where) {
      text.append(line).append('\n');
      origins.add(where);
    }
  }

  /** A generated source file and, per line, the page line it came from. */
  private static final class Source extends SimpleJavaFileObject {
    final String text;
    final List<String> origins;

    Source(URI uri, String text, List<String> origins) {
      super(uri, Kind.SOURCE);
      this.text = text;
      this.origins = origins;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return text;
    }
  }

  private static List<Problem> run(List<Source> sources) {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    if (compiler == null) {
      throw new IllegalStateException("no system Java compiler: run the build on a JDK, not a JRE");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Path out;
    try {
      out = Files.createTempDirectory("doc-snippets");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
      files.setLocation(StandardLocation.CLASS_OUTPUT, List.of(out.toFile()));
      List<String> options =
          List.of("--release", "17", "-proc:none", "-implicit:none", "-Xmaxerrs", "10000", "-classpath", classPath());
      compiler.getTask(null, files, diagnostics, options, null, sources).call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      delete(out);
    }
    List<Problem> problems = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
      if (diagnostic.getKind() != Diagnostic.Kind.ERROR) {
        continue;
      }
      String where = "(generated code)";
      if (diagnostic.getSource() instanceof Source source && diagnostic.getLineNumber() > 0) {
        where = source.origins.get((int) diagnostic.getLineNumber() - 1);
      }
      problems.add(new Problem(where, diagnostic.getMessage(Locale.ROOT).replace('\n', ' ')));
    }
    return problems;
  }

  /** The test class path: Surefire's own property when it runs us through a manifest-only jar. */
  private static String classPath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

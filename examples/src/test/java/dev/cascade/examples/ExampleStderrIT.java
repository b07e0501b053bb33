package dev.cascade.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.testkit.RedisServerExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs an example that uses Lettuce in a JVM of its own, on the examples' class path, and checks
 * that it prints nothing on stderr from SLF4J: Lettuce brings slf4j-api 1.7 without a binding,
 * which prints "SLF4J: Failed to load class org.slf4j.impl.StaticLoggerBinder" unless the examples
 * bind it (they use slf4j-nop; see examples/pom.xml).
 */
class ExampleStderrIT {
  @RegisterExtension static RedisServerExtension redis = RedisServerExtension.standalone();

  @Test
  void redisExample_prints_noSlf4jWarning(@TempDir Path dir) throws IOException, InterruptedException {
    Path out = dir.resolve("stdout.txt");
    Path err = dir.resolve("stderr.txt");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(java, "-cp", classPath(), RedisExample.class.getName(), redis.uri())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the example ends").isTrue();

    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as("exit value; stderr:\n%s", stderr).isZero();
    assertThat(stdout).as("the example ran against Redis").contains("database queries: 1").contains("B bulk-loaded");
    assertThat(stderr.lines().filter(line -> line.startsWith("SLF4J:")).toList()).as("stderr:\n%s", stderr).isEmpty();
  }

  /** The class path of this test run (surefire and failsafe name it; a manifest-only jar would hide it). */
  private static String classPath() {
    String testClassPath = System.getProperty("surefire.test.class.path");
    if (testClassPath != null && !testClassPath.isBlank()) {
      return testClassPath;
    }
    List<String> entries = List.of(System.getProperty("java.class.path"));
    return String.join(java.io.File.pathSeparator, entries);
  }
}

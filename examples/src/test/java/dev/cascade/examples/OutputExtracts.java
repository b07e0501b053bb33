package dev.cascade.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Compares an output extract quoted in the docs with what an example prints. The extract's
 * non-blank lines must appear in the output in the same order (other output lines may come between
 * them). Lines are compared exactly, but for this rule: a number written {@code ~123} in the extract
 * matches any number in that place (for durations and other figures that differ between runs).
 * Not thread-safe: {@link #run} replaces {@code System.out} while the example runs.
 */
final class OutputExtracts {
  private static final Pattern MASKED = Pattern.compile("~[0-9][0-9,.]*");
  private static final String ANY_NUMBER = "-?[0-9][0-9,.]*(?:[eE]-?[0-9]+)?";

  private OutputExtracts() {}

  /** Returns what {@code mainClass}'s {@code main(args)} printed to {@code System.out}. */
  static String run(String mainClass, String... args) throws Exception {
    Method main = Class.forName(mainClass).getMethod("main", String[].class);
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      main.invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw new AssertionError(mainClass + " failed", e.getCause());
    } finally {
      System.out.flush();
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  /**
   * Returns {@code null} if every non-blank line of {@code extract} matches a line of {@code output}
   * after the previous one's match, or else a message naming the first extract line that did not.
   */
  static @Nullable String mismatch(List<String> extract, String output) {
    List<String> lines = output.lines().toList();
    int next = 0;
    for (String wanted : extract) {
      if (wanted.isBlank()) {
        continue;
      }
      Pattern pattern = pattern(wanted.strip());
      int found = -1;
      for (int i = next; i < lines.size(); i++) {
        if (pattern.matcher(lines.get(i).strip()).matches()) {
          found = i;
          break;
        }
      }
      if (found < 0) {
        return "this quoted line is not in the output (after the lines matched before it):\n  "
            + wanted
            + "\nthe output was:\n"
            + output;
      }
      next = found + 1;
    }
    return null;
  }

  /** The line as a pattern: literal, but each {@code ~<number>} matches any number. */
  static Pattern pattern(String line) {
    StringBuilder regex = new StringBuilder();
    Matcher masked = MASKED.matcher(line);
    int last = 0;
    while (masked.find()) {
      regex.append(Pattern.quote(line.substring(last, masked.start()))).append(ANY_NUMBER);
      last = masked.end();
    }
    regex.append(Pattern.quote(line.substring(last)));
    return Pattern.compile(regex.toString());
  }
}

package io.squall.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogEscapingTest {
  /** The lines the node's own logback.xml writes, text format, for what {@code log} logs. */
  private static List<String> logged(Consumer<LoggerContext> log) throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      LoggerContext context = new LoggerContext();
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(LogEscaping.class.getResource("/logback.xml"));
      log.accept(context);
      context.stop();
    } finally {
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void shouldWriteARecordThatHoldsLineBreaksAndEscapesOnOneLine() throws Exception {
    List<String> lines =
        logged(
            context -> {
              MDC.put("persistenceId", "Device|72\r\nforged");
              context
                  .getLogger("io.squall.sharding.DeadLetters")
                  .warn(
                      "bad record {}",
                      "72\n2026-11-30T00:00:00.000Z ERROR [main] io.squall - forged\u001B[31m\u2028red");
              MDC.clear();
            });

    assertEquals(1, lines.size(), String.join("\n", lines));
    assertEquals(
        "[Device|72\\r\\nforged] - bad record 72\\n2026-11-30T00:00:00.000Z ERROR [main] io.squall"
            + " - forged\\u001B[31m\\u2028red",
        lines.get(0).substring(lines.get(0).indexOf("[Device|")));
  }

  @Test
  void shouldWriteAStackTraceOneLinePerFrameWithoutTheLinesItsMessagesForge() throws Exception {
    Exception failure =
        new IllegalArgumentException(
            "bad value 12\n2026-12-07 ERROR forged",
            new IllegalStateException("bad\r\n2026-12-07 ERROR forged by the cause\u001B[31m"));
    failure.addSuppressed(new IllegalStateException("\n2026-12-07 ERROR forged, suppressed"));

    List<String> lines =
        logged(
            context -> context.getLogger("io.squall.sharding.DeadLetters").error("bad", failure));

    String all = String.join("\n", lines);
    assertTrue(lines.stream().noneMatch(line -> line.startsWith("2026-12-07 ERROR forged")), all);
    assertTrue(lines.get(0).endsWith(" - bad"), all);
    assertEquals(
        "java.lang.IllegalArgumentException: bad value 12\\n2026-12-07 ERROR forged", lines.get(1));
    assertTrue(lines.get(2).startsWith("\tat io.squall.node.LogEscapingTest."), all);
    assertTrue(
        lines.contains(
            "Caused by: java.lang.IllegalStateException: bad\\r\\n2026-12-07 ERROR forged by the"
                + " cause\\u001B[31m"),
        all);
    assertTrue(
        lines.contains(
            "\tSuppressed: java.lang.IllegalStateException: \\n2026-12-07 ERROR forged, suppressed"),
        all);
    // the first line is the message, every other one a frame, a cause or a count of frames
    for (String line : lines.subList(2, lines.size())) {
      assertTrue(line.matches("\t*(at |\\.\\.\\. |Caused by: |Suppressed: ).*"), line);
    }
  }

  @Test
  void shouldLeaveOrdinaryTextAndTabsAlone() {
    assertEquals("station 725030:14732\tok", LogEscaping.escape("station 725030:14732\tok"));
    assertEquals("a\\u0000b\\u007Fc\\u0085", LogEscaping.escape("a\u0000b\u007Fc\u0085"));
  }
}

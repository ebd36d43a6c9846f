package io.squall.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogEscapingTest {
  @Test
  void shouldWriteARecordThatHoldsLineBreaksAndEscapesOnOneLine() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      // the node's own logback.xml, text format, as a node writes it
      LoggerContext context = new LoggerContext();
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(LogEscaping.class.getResource("/logback.xml"));
      MDC.put("persistenceId", "Device|72\r\nforged");
      context
          .getLogger("io.squall.sharding.DeadLetters")
          .warn(
              "bad record {}",
              "72\n2026-11-30T00:00:00.000Z ERROR [main] io.squall - forged\u001B[31m\u2028red");
      MDC.clear();
      context.stop();
    } finally {
      System.setOut(original);
    }
    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();

    assertEquals(1, lines.size(), String.join("\n", lines));
    assertEquals(
        "[Device|72\\r\\nforged] - bad record 72\\n2026-11-30T00:00:00.000Z ERROR [main] io.squall"
            + " - forged\\u001B[31m\\u2028red",
        lines.get(0).substring(lines.get(0).indexOf("[Device|")));
  }

  @Test
  void shouldLeaveOrdinaryTextAndTabsAlone() {
    assertEquals("station 725030:14732\tok", LogEscaping.escape("station 725030:14732\tok"));
    assertEquals("a\\u0000b\\u007Fc\\u0085", LogEscaping.escape("a\u0000b\u007Fc\u0085"));
  }
}

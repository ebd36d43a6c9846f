package io.squall.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.squall.http.ApiTokens;
import io.squall.http.Scope;
import io.squall.persistence.testing.LocalInfra;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, run as a user would (non-interactively), in a fresh state folder on
 * ports of its own: the summary's figures, the example queries' answers, and nothing left behind.
 */
class DemoIT {
  private static final Map<String, String> PORTS =
      Map.of(
          "SQUALL_KAFKA_PORT", "19092",
          "SQUALL_KAFKA_CONTROLLER_PORT", "19093",
          "SQUALL_CASSANDRA_PORT", "19042",
          "SQUALL_CASSANDRA_STORAGE_PORT", "17000",
          "SQUALL_CASSANDRA_JMX_PORT", "17199",
          "SQUALL_HTTP_PORT", "18080",
          "SQUALL_MANAGEMENT_PORT", "18558",
          "SQUALL_REMOTE_PORT", "25620");

  @Test
  void shouldLoadTheBundledDataPrintTheSummaryAndLeaveNothingRunning() throws Exception {
    Path state = Files.createTempDirectory("squall-demo");
    Path cache = LocalInfra.projectDir().resolve(".squall/cache");
    if (Files.isDirectory(cache)) {
      Files.createDirectories(state.resolve("cache"));
      try (Stream<Path> files = Files.list(cache)) {
        for (Path file : files.toList()) {
          Files.copy(file, state.resolve("cache").resolve(file.getFileName()));
        }
      }
    }
    Path out = state.resolve("demo.out");
    ProcessBuilder demo =
        new ProcessBuilder(
                LocalInfra.projectDir().resolve("bin/squall").toString(),
                "demo",
                "--exit-after-summary")
            .directory(LocalInfra.projectDir().toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    demo.environment().putAll(PORTS);
    demo.environment().put("SQUALL_STATE_DIR", state.toString());
    demo.environment().remove("SQUALL_KAFKA_BOOTSTRAP_SERVERS");
    demo.environment().remove("SQUALL_CASSANDRA_CONTACT_POINTS");
    // a user's demo, not the build's Kafka with its SASL and TLS listeners
    demo.environment().remove("SQUALL_KAFKA_SASL");
    demo.environment().remove("SQUALL_KAFKA_SASL_PORT");
    demo.environment().remove("SQUALL_KAFKA_TLS");
    demo.environment().remove("SQUALL_KAFKA_TLS_PORT");

    Process process = demo.start();
    boolean finished = process.waitFor(10, TimeUnit.MINUTES);
    String output = Files.readString(out, StandardCharsets.UTF_8);
    if (!finished) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    assertTrue(finished, "the demo finished:\n" + output);
    assertEquals(0, process.exitValue(), output);

    assertTrue(
        output.lines().anyMatch(l -> l.matches("total\\s+5 stations\\s+282,470\\s+112,983")),
        "summary:\n" + output);
    assertTrue(output.contains("\"id\":\"725030:14732\",\"readings\":56487"), output);
    // 24 hours, one of them (05h) the data set's filler record: no temperature there
    assertTrue(output.contains("[{\"date\":\"2008-07-01\",\"count\":23"), output);
    assertTrue(
        output.contains("curl -s 'http://127.0.0.1:18080/api/v1/devices/725030:14732/top?"),
        output);

    Matcher token =
        Pattern.compile("export SQUALL_API_TOKEN=(sqt_[A-Za-z0-9_-]{43})").matcher(output);
    assertTrue(token.find(), "the demo prints its API token:\n" + output);
    assertTrue(output.contains("-H \"Authorization: Bearer $SQUALL_API_TOKEN\""), output);
    String tokens = Files.readString(state.resolve("run/api-tokens"));
    assertFalse(tokens.contains(token.group(1)), "the tokens file holds the token in clear");
    assertEquals(ApiTokens.line(token.group(1), EnumSet.allOf(Scope.class), "demo") + "\n", tokens);

    Thread.sleep(2_000);
    List<String> left =
        ProcessHandle.allProcesses()
            .map(p -> p.info().commandLine().orElse(""))
            .filter(command -> command.contains(state.toString()))
            .toList();
    assertEquals(List.of(), left, "processes of the demo still running");
    for (String port : PORTS.values()) {
      assertFalse(listening(Integer.parseInt(port)), "port " + port + " is still taken");
    }
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}

package io.squall.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.squall.persistence.testing.LocalInfra;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code bin/squall COMMAND --help}, each as its own process, as a user types it: it prints the
 * command's help, exits 0, and starts nothing — no server on the ports it would use, nothing
 * written to its state folder.
 */
class CommandLineIT {
  /** How long a help may take before it counts as hanging (and is stopped): not a speed bound. */
  private static final Duration HANG = Duration.ofMinutes(2);

  private static final Map<String, String> PORTS =
      Map.of(
          "SQUALL_KAFKA_PORT", "19192",
          "SQUALL_KAFKA_CONTROLLER_PORT", "19193",
          "SQUALL_CASSANDRA_PORT", "19142",
          "SQUALL_HTTP_PORT", "18180",
          "SQUALL_MANAGEMENT_PORT", "18658",
          "SQUALL_REMOTE_PORT", "25720");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--help",
        "help",
        "--version",
        "demo --help",
        "node --help",
        "load --help",
        "journal --help",
        "status --help",
        "rebuild --help",
        "token --help",
        "schema --help",
        "bench --help",
        "bench ingest --help",
        "bench backfill --help",
        "infra --help",
        "infra start --help"
      })
  void shouldPrintHelpAndExitZeroWithoutStartingAnything(String arguments) throws Exception {
    Path state = Files.createTempDirectory("squall-help");
    List<String> command = new ArrayList<>();
    command.add(LocalInfra.projectDir().resolve("bin/squall").toString());
    command.addAll(List.of(arguments.split(" ")));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(LocalInfra.projectDir().toFile())
            .redirectErrorStream(true);
    builder.environment().putAll(PORTS);
    builder.environment().put("SQUALL_STATE_DIR", state.toString());
    builder.environment().put("SQUALL_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19192");
    builder.environment().put("SQUALL_CASSANDRA_CONTACT_POINTS", "127.0.0.1:19142");

    Path printed = Files.createTempFile("squall-help", ".out");
    builder.redirectOutput(printed.toFile());
    Process process = builder.start();
    if (!process.waitFor(HANG.toSeconds(), TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError(
          arguments
              + " did not finish in "
              + HANG.toSeconds()
              + " s:\n"
              + Files.readString(printed, StandardCharsets.UTF_8));
    }
    String output = Files.readString(printed, StandardCharsets.UTF_8);
    Files.delete(printed);

    assertEquals(0, process.exitValue(), arguments + ":\n" + output);
    if (arguments.equals("--version")) {
      assertTrue(output.startsWith("squall "), output);
    } else {
      assertTrue(output.toLowerCase().contains("usage"), arguments + ":\n" + output);
    }
    for (String port : PORTS.values()) {
      assertFalse(listening(Integer.parseInt(port)), arguments + " left port " + port + " bound");
    }
    try (Stream<Path> written = Files.list(state)) {
      assertEquals(List.of(), written.toList(), arguments + " wrote to its state folder");
    }
    Files.delete(state);
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}

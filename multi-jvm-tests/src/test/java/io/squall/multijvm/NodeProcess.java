package io.squall.multijvm;

import io.squall.persistence.testing.LocalInfra;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One Squall node as its own JVM, started the way {@code bin/squall node} starts it (the node's jar
 * and {@code node/target/lib/*}), with a loopback address and ports of its own; its output goes to
 * a file under target/. Every started process is killed when the test JVM exits, however it exits.
 */
final class NodeProcess {
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly)));
  }

  final String name;

  /** The address its remoting and management bind to (a loopback IP: 127.0.0.1, a pod's .2 …). */
  final String host;

  final int httpPort;
  final int remotePort;
  final int managementPort;
  private final Map<String, String> env;
  private final List<String> jvmOptions;
  private final Path logDir;
  private Process process;
  private Path log;
  private int incarnation;

  NodeProcess(
      String name,
      String host,
      int httpPort,
      int remotePort,
      int managementPort,
      Map<String, String> env,
      List<String> jvmOptions,
      Path logDir) {
    this.name = name;
    this.host = host;
    this.httpPort = httpPort;
    this.remotePort = remotePort;
    this.managementPort = managementPort;
    this.env = env;
    this.jvmOptions = jvmOptions;
    this.logDir = logDir;
  }

  /** The node's jar and its libraries, as the node module's package phase leaves them. */
  static String classpath() {
    Path target = LocalInfra.projectDir().resolve("node/target");
    Path lib = target.resolve("lib");
    try (var files = Files.list(target)) {
      Path jar =
          files
              .filter(
                  f -> {
                    String n = f.getFileName().toString();
                    return n.startsWith("squall-node-")
                        && n.endsWith(".jar")
                        && !n.endsWith("-tests.jar");
                  })
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "no squall-node jar in " + target + ": build node"));
      if (!Files.isDirectory(lib)) {
        throw new IllegalStateException(lib + " is missing: run the node module's package phase");
      }
      return jar + java.io.File.pathSeparator + lib + "/*";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String address() {
    return "akka://Squall@" + host + ":" + remotePort;
  }

  /** The consumer's client id (see DeviceSharding.consumerSettings). */
  String kafkaClientId() {
    return "squall-" + host + "-" + remotePort;
  }

  String api() {
    return "http://127.0.0.1:" + httpPort + "/api/v1";
  }

  String management() {
    return "http://" + host + ":" + managementPort;
  }

  Path log() {
    return log;
  }

  synchronized void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " already runs");
    }
    incarnation++;
    log = logDir.resolve(name + (incarnation == 1 ? "" : "-" + incarnation) + ".log");
    ProcessBuilder builder = new ProcessBuilder(java(jvmOptions, "io.squall.node.Main"));
    builder.environment().putAll(environment());
    builder.redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    try {
      Files.createDirectories(logDir);
      process = builder.start();
      RUNNING.add(process);
      process.onExit().thenRun(() -> RUNNING.remove(process));
      Harness.say(
          "started %s (pid %d, http %d, remote %d): %s", name, pid(), httpPort, remotePort, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The node's environment, its ports included. */
  private Map<String, String> environment() {
    Map<String, String> result = new HashMap<>(env);
    result.put("SQUALL_HTTP_PORT", String.valueOf(httpPort));
    result.put("SQUALL_REMOTE_PORT", String.valueOf(remotePort));
    result.put("SQUALL_MANAGEMENT_PORT", String.valueOf(managementPort));
    return result;
  }

  /**
   * Runs {@code squall ARGS} beside this node with its environment, as {@code kubectl exec} runs it
   * in the node's pod; its output goes to {@code log}. Answers its exit code.
   */
  int exec(Path log, String... args) {
    // as docs/kubernetes.md runs it: a small JVM beside the node
    return runCommand(List.of("-Xmx64m"), environment(), log, args);
  }

  /**
   * Runs {@code squall ARGS} ({@code io.squall.node.Cli}) from the node's jar to its end, as a
   * Kubernetes Job runs it, with {@code env}; its output goes to {@code log}. Answers its exit
   * code.
   */
  static int runCommand(Map<String, String> env, Path log, String... args) {
    return runCommand(SquallCluster.TEST_JVM, env, log, args);
  }

  private static int runCommand(
      List<String> jvmOptions, Map<String, String> env, Path log, String... args) {
    List<String> command = java(jvmOptions, "io.squall.node.Cli");
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    long start = System.nanoTime();
    try {
      Files.createDirectories(log.getParent());
      Process process = builder.start();
      RUNNING.add(process);
      process.onExit().thenRun(() -> RUNNING.remove(process));
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("squall " + String.join(" ", args) + " did not end: " + log);
      }
      Harness.say(
          "squall %s exited with %d in %s: %s",
          String.join(" ", args),
          process.exitValue(),
          Harness.seconds(System.nanoTime() - start),
          log);
      return process.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static List<String> java(List<String> jvmOptions, String mainClass) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classpath());
    command.add(mainClass);
    return command;
  }

  synchronized long pid() {
    return process.pid();
  }

  synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** SIGKILL: the process dies at once, nothing of it runs any more. */
  void kill9() {
    Harness.say("kill -9 %s (pid %d)", name, pid());
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(30));
  }

  /** SIGTERM: the node runs its coordinated shutdown and exits. */
  void terminate() {
    Harness.say("SIGTERM %s (pid %d)", name, pid());
    process.destroy();
  }

  /** SIGSTOP: every thread of the node stops where it is. */
  void freeze() {
    signal("STOP");
  }

  /** SIGCONT after {@link #freeze}. */
  void thaw() {
    signal("CONT");
  }

  private void signal(String signal) {
    Harness.say("kill -%s %s (pid %d)", signal, name, pid());
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Whether the process ended within {@code timeout}. */
  boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  int exitValue() {
    return process.exitValue();
  }

  /** Ends the process if it still runs (SIGKILL, which also ends a frozen one). */
  void kill() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      awaitExit(Duration.ofSeconds(10));
    }
  }
}

package io.squall.persistence.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * CPU a process has used, read from {@code /proc/<pid>/stat} (user + system time), and the PIDs of
 * the Kafka and Cassandra that {@code bin/infra} started: benchmarks print what each side cost.
 */
public final class ProcessCpu {
  /** The kernel's clock ticks per second (USER_HZ), 100 on Linux. */
  private static final double TICKS_PER_SECOND = 100;

  private ProcessCpu() {}

  /** The PID of {@code server} (kafka or cassandra) from bin/infra's state, if it is known. */
  public static OptionalLong serverPid(String server) {
    Path pidFile = LocalInfra.projectDir().resolve(".squall/run/" + server + "/pid");
    try {
      return OptionalLong.of(Long.parseLong(Files.readString(pidFile).trim()));
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** CPU seconds {@code pid} has used so far; empty when the process is gone. */
  public static OptionalDouble seconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // the command name in parentheses may hold spaces: fields are counted after it
      String[] fields = stat.substring(stat.lastIndexOf(") ") + 2).split(" ");
      return OptionalDouble.of(
          (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND);
    } catch (IOException | RuntimeException e) {
      return OptionalDouble.empty();
    }
  }
}

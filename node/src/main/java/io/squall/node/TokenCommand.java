package io.squall.node;

import io.squall.http.ApiTokens;
import io.squall.http.Scope;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code squall token}: a new API token and its line for the tokens file. The token is printed
 * once; only its hash is ever stored.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    versionProvider = Cli.Version.class,
    description = {
      "Makes a new API token with the given scopes and prints it with its line for the tokens file"
          + " (SQUALL_API_TOKENS_FILE), which holds only the token's SHA-256.",
      "Nodes read the file again within 10 s: add a line to issue a token, delete it to revoke."
    })
final class TokenCommand implements Callable<Integer> {
  @Option(
      names = "--scopes",
      required = true,
      split = ",",
      paramLabel = "SCOPE",
      description = "what the token may do: read, write (ingest), admin (rebuild); comma-separated")
  List<String> scopes;

  @Option(
      names = "--name",
      required = true,
      description = "who holds the token, one word (shown in 403 answers, never the token)")
  String name;

  @Option(
      names = "--append",
      paramLabel = "FILE",
      description =
          "append the line to FILE (created readable by its owner only) instead of printing it")
  Path file;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    String token = ApiTokens.newToken();
    String line;
    try {
      Set<Scope> granted = EnumSet.noneOf(Scope.class);
      for (String scope : scopes) {
        granted.add(Scope.of(scope));
      }
      line = ApiTokens.line(token, granted, name);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (file != null) {
      append(file, line);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("Token (shown once; give it to its client and keep it secret):");
    out.println("  " + token);
    if (file == null) {
      out.println("Its line for the tokens file:");
      out.println("  " + line);
    } else {
      out.println("Its line was appended to " + file + ".");
    }
    return 0;
  }

  /**
   * Appends {@code line} on a line of its own, creating the file readable by its owner only; the
   * token is printed only once this worked.
   */
  private static void append(Path file, String line) throws IOException {
    try (FileChannel channel =
        FileChannel.open(
            file,
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
      long size = channel.size();
      boolean endsWithNewline = true;
      if (size > 0) {
        ByteBuffer last = ByteBuffer.allocate(1);
        channel.read(last, size - 1);
        endsWithNewline = last.get(0) == '\n';
      }
      channel.position(size);
      channel.write(
          ByteBuffer.wrap(
              ((endsWithNewline ? "" : "\n") + line + "\n").getBytes(StandardCharsets.UTF_8)));
    }
  }
}

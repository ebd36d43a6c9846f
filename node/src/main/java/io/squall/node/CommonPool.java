package io.squall.node;

/**
 * Sizes the JDK's common pool before anything starts it. Every {@code CompletionStage} that Akka's
 * Java API hands out runs each of its continuations asynchronously on that pool, and with fewer
 * than two pool threads (the default on a machine or container with two cores or fewer) the JDK
 * starts a new thread for every continuation: thousands a second under load.
 */
final class CommonPool {
  private static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  private CommonPool() {}

  /** At least two threads, unless {@code -D}{@value #PARALLELISM} says otherwise. */
  static void size() {
    if (System.getProperty(PARALLELISM) == null) {
      int cores = Runtime.getRuntime().availableProcessors();
      System.setProperty(PARALLELISM, Integer.toString(Math.max(2, cores)));
    }
  }
}

package dev.floe.memory;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one {@link ReadRequest} in a fresh JVM (this JVM's {@code java} and class path) under given
 * {@link JvmLimits}, samples its resident set from {@code /proc/<pid>/status} every ~50 ms, and
 * collects its report, exit status and peak RSS into a {@link RunResult}.
 */
public final class ChildJvm {
  /** Sampling period of the RSS time series. */
  public static final Duration SAMPLE_PERIOD = Duration.ofMillis(50);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MALLOC_ARENA_MAX = "2";

  private final Path logDir;
  private final Duration timeout;

  /**
   * @param logDir where each child's stderr goes
   * @param timeout how long a child may run before it is killed and reported {@code TIMED_OUT}
   */
  public ChildJvm(Path logDir, Duration timeout) {
    this.logDir = requireNonNull(logDir, "logDir is null");
    this.timeout = requireNonNull(timeout, "timeout is null");
  }

  /** Starts the child, waits for it, and returns what happened. */
  public RunResult run(ReadRequest request, JvmLimits limits) {
    requireNonNull(request, "request is null");
    requireNonNull(limits, "limits is null");
    Path log = logFile(request, limits);
    Process process = start(request, limits, log);
    long startNanos = System.nanoTime();
    List<RssSample> samples = new ArrayList<>();
    AtomicLong sampledHwm = new AtomicLong();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    try {
      sampler.scheduleAtFixedRate(
          () ->
              ProcStatus.of(process.pid())
                  .ifPresent(
                      status -> {
                        synchronized (samples) {
                          samples.add(
                              new RssSample(
                                  (System.nanoTime() - startNanos) / 1_000_000, status.rssBytes()));
                        }
                        sampledHwm.accumulateAndGet(status.hwmBytes(), Math::max);
                      }),
          0,
          SAMPLE_PERIOD.toMillis(),
          TimeUnit.MILLISECONDS);
      AtomicReference<String> resultLine = new AtomicReference<>();
      Thread reader = readStdout(process, resultLine);
      boolean exited = waitFor(process);
      long processMillis = (System.nanoTime() - startNanos) / 1_000_000;
      join(reader);
      sampler.shutdownNow();
      ChildReport report = parse(resultLine.get());
      int exitCode = exited ? process.exitValue() : -1;
      long peak = Math.max(sampledHwm.get(), report == null ? 0 : report.hwmBytes());
      List<RssSample> series;
      synchronized (samples) {
        series = List.copyOf(samples);
      }
      return new RunResult(
          request,
          limits,
          status(exited, exitCode, report, log),
          exitCode,
          report,
          peak,
          processMillis,
          series,
          log);
    } finally {
      sampler.shutdownNow();
      process.destroyForcibly();
    }
  }

  private Process start(ReadRequest request, JvmLimits limits, Path log) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(limits.jvmFlags());
    command.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.add("-Djava.awt.headless=true");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ReadChild.class.getName());
    command.addAll(request.toArgs());
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectError(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.PIPE);
      // glibc gives threads their own malloc arenas (up to 8 per core) and keeps what the JIT
      // compiler threads free in them: identical runs differed by up to 20 MiB of RSS from that
      // alone. Two arenas, a usual setting for JVMs in containers, cut the spread to ~1%.
      builder.environment().put("MALLOC_ARENA_MAX", MALLOC_ARENA_MAX);
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start child JVM: " + command, e);
    }
  }

  private Path logFile(ReadRequest request, JvmLimits limits) {
    String name =
        String.format(
            "%s-%s-b%d-x%dm%s.log",
            request.table(),
            request.mode().name().toLowerCase(java.util.Locale.ROOT),
            request.batchSize(),
            limits.heapBytes() >> 20,
            limits.preTouchHeap() ? "-pretouched" : "");
    return logDir.resolve(name);
  }

  private static Thread readStdout(Process process, AtomicReference<String> resultLine) {
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                  if (line.startsWith(ReadChild.RESULT_PREFIX)) {
                    resultLine.set(line.substring(ReadChild.RESULT_PREFIX.length()));
                  }
                }
              } catch (IOException e) {
                // The child was killed; whatever it printed before is kept.
              }
            },
            "child-stdout");
    reader.setDaemon(true);
    reader.start();
    return reader;
  }

  private boolean waitFor(Process process) {
    try {
      if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return true;
      }
      process.destroyForcibly().waitFor();
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("Interrupted while waiting for a child JVM", e);
    }
  }

  private static void join(Thread thread) {
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while reading a child JVM's output", e);
    }
  }

  private static ChildReport parse(String line) {
    if (line == null) {
      return null;
    }
    try {
      return JSON.readValue(line, ChildReport.class);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot parse the child's report: " + line, e);
    }
  }

  private static RunResult.Status status(
      boolean exited, int exitCode, ChildReport report, Path log) {
    if (!exited) {
      return RunResult.Status.TIMED_OUT;
    }
    if (exitCode == 0 && report != null && report.outcome() == ChildReport.Outcome.COMPLETED) {
      return RunResult.Status.COMPLETED;
    }
    if (exitCode == ReadChild.EXIT_OUT_OF_MEMORY
        || (exitCode != ReadChild.EXIT_FAILED && killedByOutOfMemory(log))) {
      return RunResult.Status.OUT_OF_MEMORY;
    }
    return RunResult.Status.FAILED;
  }

  /** The JVM's own last words when an OutOfMemoryError escaped every handler. */
  private static boolean killedByOutOfMemory(Path log) {
    try {
      return Files.exists(log)
          && Files.readString(log, StandardCharsets.ISO_8859_1).contains("OutOfMemoryError");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read child log " + log, e);
    }
  }
}

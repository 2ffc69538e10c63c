package dev.floe.reader.orc;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Stops orc-core's endless loop on damaged integer streams. orc-core 1.9's {@code
 * SerializationUtils} reads a run of values with {@code bytesRead += in.read(...)} until it has the
 * bytes it wants; on a damaged stream that ends early, {@code read} returns -1 every time, so the
 * loop runs until the 32-bit count wraps around: minutes of CPU, no interrupt checked, no lock
 * held. Nothing outside the loop can end it except {@link Thread#stop()}.
 *
 * <p>A thread decoding ORC (a data file's batch, or a delete file while deletes load) is
 * {@linkplain #run watched}. One daemon thread samples the watched threads every {@value
 * #SAMPLE_MILLIS} ms while anything is watched, and ends a second after the last watched call; a
 * watched call that has run for {@value #LIMIT_SECONDS} s and whose last {@value #SAMPLES} samples
 * were all inside {@code SerializationUtils} is stopped with {@code Thread.stop()} (Java 17 still
 * has it), under the watch's lock so that the stop can only land inside the watched call, where it
 * is turned into an ordinary failure of the file. HotSpot also interrupts a thread it stops; that
 * interrupt is cleared again (unless the thread was interrupted before), so that the thread's next
 * read of a file — another file, or the same file read again to find out which one is damaged —
 * does not fail with {@code ClosedByInterruptException}. Legitimate decoding spends microseconds in
 * one such call, never seconds. Where {@code Thread.stop()} is gone (Java 20+), the guard gives up
 * and the loop runs on as before.
 */
public final class OrcSpinGuard {
  static final long LIMIT_SECONDS = 5;
  static final long SAMPLE_MILLIS = 500;
  static final int SAMPLES = 4;
  private static final String SPINNING_CLASS = "org.apache.orc.impl.SerializationUtils";
  private static final int TOP_FRAMES = 4;

  /** Samples with nothing watched after which the sampler thread ends (a new read starts it). */
  private static final int IDLE_SAMPLES = 2;

  private static final Set<Watch> WATCHES = ConcurrentHashMap.newKeySet();
  private static Thread sampler;

  private OrcSpinGuard() {}

  /**
   * Runs {@code call} on this thread, watched.
   *
   * @throws IllegalStateException if the guard stopped the call in orc-core's loop
   */
  public static <T> T run(Supplier<T> call) {
    Watch watch = new Watch(Thread.currentThread());
    WATCHES.add(watch);
    startSampler();
    try {
      try {
        return call.get();
      } finally {
        watch.close();
      }
    } catch (ThreadDeath death) {
      if (watch.stopped()) {
        if (!watch.interruptedBeforeStop()) {
          Thread.interrupted(); // the stop's own interrupt
        }
        throw watch.failure(death);
      }
      throw death;
    }
  }

  /** Whether {@code failure} is, or was caused by, a call this guard stopped in orc-core's loop. */
  public static boolean stoppedLoop(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof StoppedLoopException) {
        return true;
      }
    }
    return false;
  }

  private static synchronized void startSampler() {
    if (sampler == null) {
      sampler = new Thread(OrcSpinGuard::sample, "floe-orc-spin-guard");
      sampler.setDaemon(true);
      sampler.start();
    }
  }

  private static void sample() {
    int idleSamples = 0;
    while (true) {
      try {
        Thread.sleep(SAMPLE_MILLIS);
      } catch (InterruptedException e) {
        return; // only at JVM exit
      }
      long now = System.nanoTime();
      for (Watch watch : WATCHES) {
        watch.sample(now);
      }
      idleSamples = WATCHES.isEmpty() ? idleSamples + 1 : 0;
      if (idleSamples >= IDLE_SAMPLES && stopIfIdle()) {
        return;
      }
    }
  }

  /** Ends the sampler when nothing is watched, so that no thread outlives the reads. */
  private static synchronized boolean stopIfIdle() {
    if (!WATCHES.isEmpty()) {
      return false;
    }
    sampler = null;
    return true;
  }

  /** One watched call on one thread. */
  private static final class Watch {
    private final Thread thread;
    private final long started = System.nanoTime();
    private int spinningSamples;
    private boolean closed;
    private volatile boolean stopped;
    private volatile boolean interruptedBeforeStop;

    private Watch(Thread thread) {
      this.thread = thread;
    }

    /** Whether the guard stopped the watched call: a {@link ThreadDeath} then came from it. */
    boolean stopped() {
      return stopped;
    }

    boolean interruptedBeforeStop() {
      return interruptedBeforeStop;
    }

    /** The failure to report instead of the {@link ThreadDeath} of a stopped call. */
    RuntimeException failure(ThreadDeath death) {
      StoppedLoopException failure =
          new StoppedLoopException(
              String.format(
                  "Cannot decode a damaged ORC integer stream: orc-core kept reading past its end"
                      + " and was stopped after %d s",
                  TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)));
      failure.addSuppressed(death);
      return failure;
    }

    private synchronized void sample(long now) {
      if (closed || stopped) {
        return;
      }
      spinningSamples = inSpinningClass() ? spinningSamples + 1 : 0;
      if (spinningSamples >= SAMPLES && now - started >= TimeUnit.SECONDS.toNanos(LIMIT_SECONDS)) {
        stop();
      }
    }

    private boolean inSpinningClass() {
      StackTraceElement[] stack = thread.getStackTrace();
      for (int i = 0; i < Math.min(TOP_FRAMES, stack.length); i++) {
        if (SPINNING_CLASS.equals(stack[i].getClassName())) {
          return true;
        }
      }
      return false;
    }

    @SuppressWarnings({"deprecation", "removal"})
    private void stop() {
      try {
        interruptedBeforeStop = thread.isInterrupted();
        stopped = true;
        thread.stop();
      } catch (UnsupportedOperationException e) {
        stopped = false; // Java 20+: nothing can end the loop
        closed = true;
      }
    }

    synchronized void close() {
      closed = true;
      WATCHES.remove(this);
    }
  }

  /** A watched call stopped in orc-core's loop. */
  private static final class StoppedLoopException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    StoppedLoopException(String message) {
      super(message);
    }
  }
}

package dev.floe.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness reports what happened to a child, whatever happened. */
final class TestChildJvm {
  private static final JvmLimits LIMITS = JvmLimits.ofMib(64, 64, 32);

  @TempDir Path dir;

  @Test
  void failedReadIsReportedWithItsCause() {
    ChildJvm jvm = new ChildJvm(dir.resolve("logs"), Duration.ofMinutes(2));
    ReadRequest request =
        new ReadRequest(
            dir.resolve("warehouse"), "memory.missing", ReadMode.FLOE_STREAMING, 10, 1 << 20);

    RunResult run = jvm.run(request, LIMITS);

    assertThat(run.status()).as(run.describe()).isEqualTo(RunResult.Status.FAILED);
    assertThat(run.exitCode()).isEqualTo(ReadChild.EXIT_FAILED);
    assertThat(run.report().outcome()).isEqualTo(ChildReport.Outcome.FAILED);
    assertThat(run.report().error()).contains("NoSuchTableException").contains("memory.missing");
    assertThat(run.report().hwmBytes()).isPositive();
    assertThat(run.peakRssBytes()).isGreaterThanOrEqualTo(run.report().hwmBytes());
    assertThat(run.log()).exists();
  }

  @Test
  void childThatOutlivesTheTimeoutIsKilled() {
    ChildJvm jvm = new ChildJvm(dir.resolve("logs"), Duration.ofMillis(100));
    ReadRequest request =
        new ReadRequest(dir.resolve("warehouse"), "memory.missing", ReadMode.BASELINE, 1, 1 << 20);

    RunResult run = jvm.run(request, LIMITS);

    assertThat(run.status()).isEqualTo(RunResult.Status.TIMED_OUT);
    assertThat(run.exitCode()).isEqualTo(-1);
    assertThat(run.report()).isNull();
  }

  @Test
  void parsesProcStatus() {
    List<String> lines =
        List.of(
            "Name:\tjava",
            "VmPeak:\t 5000000 kB",
            "VmHWM:\t  204800 kB",
            "VmRSS:\t  102400 kB",
            "Threads:\t20");

    assertThat(ProcStatus.parse(lines))
        .contains(new ProcStatus(100L * 1024 * 1024, 200L * 1024 * 1024));
    // A zombie's status has no memory lines.
    assertThat(ProcStatus.parse(List.of("Name:\tjava", "State:\tZ (zombie)"))).isEmpty();
    ProcStatus self = ProcStatus.self();
    assertThat(self.rssBytes()).isPositive();
    assertThat(self.hwmBytes()).isGreaterThanOrEqualTo(self.rssBytes());
  }

  @Test
  void outOfMemoryIsFoundAnywhereInTheCauseChain() {
    assertThat(ReadChild.isOutOfMemory(new RuntimeException(new OutOfMemoryError("x")))).isTrue();
    assertThat(
            ReadChild.isOutOfMemory(
                new IllegalStateException(
                    new org.apache.arrow.memory.OutOfMemoryException("limit"))))
        .isTrue();
    assertThat(ReadChild.isOutOfMemory(new IllegalStateException("no"))).isFalse();
  }
}

package dev.floe.memory;

import static java.util.Objects.requireNonNull;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws RSS over time (XChart): one panel per table, one line per child run, so Floe's flat
 * streaming line sits next to the materializing baselines that climb until they run out of memory.
 */
final class RssPlot {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 600;
  private static final Color[] COLORS = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0xff7f0e), new Color(0x2ca02c)
  };

  private RssPlot() {}

  /** One panel: a title and the runs drawn in it. */
  record Panel(String title, List<RunResult> runs) {
    Panel {
      requireNonNull(title, "title is null");
      runs = List.copyOf(runs);
    }
  }

  /**
   * Writes {@code panels} stacked vertically into the PNG {@code file}.
   *
   * @param limitMib a horizontal reference line (e.g. the 1 GiB bound), or 0 for none
   */
  static void write(Path file, List<Panel> panels, double limitMib, String limitLabel) {
    requireNonNull(file, "file is null");
    if (panels.isEmpty()) {
      throw new IllegalArgumentException("Cannot plot RSS: no runs");
    }
    List<XYChart> charts = new ArrayList<>();
    for (Panel panel : panels) {
      charts.add(chart(panel, limitMib, limitLabel));
    }
    String name = file.toString();
    if (!name.endsWith(".png")) {
      throw new IllegalArgumentException("Invalid plot file: " + file + ", expected *.png");
    }
    try {
      BitmapEncoder.saveBitmap(
          charts,
          charts.size(),
          1,
          name.substring(0, name.length() - ".png".length()),
          BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write plot " + file, e);
    }
  }

  private static XYChart chart(Panel panel, double limitMib, String limitLabel) {
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(panel.title())
            .xAxisTitle("seconds since the child JVM started")
            .yAxisTitle("RSS (MiB)")
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setYAxisMin(0.0);
    double top = limitMib;
    for (RunResult run : panel.runs()) {
      top = Math.max(top, run.peakRssMib());
    }
    chart.getStyler().setYAxisMax(Math.ceil(top * 1.1 / 50) * 50);
    chart.getStyler().setMarkerSize(0);
    double endSeconds = 1;
    int color = 0;
    for (RunResult run : panel.runs()) {
      if (run.samples().isEmpty()) {
        continue;
      }
      double[] seconds = new double[run.samples().size()];
      double[] mib = new double[seconds.length];
      for (int i = 0; i < seconds.length; i++) {
        RssSample sample = run.samples().get(i);
        seconds[i] = sample.millis() / 1000.0;
        mib[i] = sample.rssBytes() / (1024.0 * 1024.0);
      }
      endSeconds = Math.max(endSeconds, seconds[seconds.length - 1]);
      XYSeries series = chart.addSeries(seriesName(run), seconds, mib);
      series.setLineColor(COLORS[color % COLORS.length]);
      series.setMarker(SeriesMarkers.NONE);
      color++;
    }
    if (limitMib > 0) {
      XYSeries limit =
          chart.addSeries(
              limitLabel, new double[] {0, endSeconds}, new double[] {limitMib, limitMib});
      limit.setLineColor(Color.GRAY);
      limit.setLineStyle(
          new BasicStroke(
              1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
      limit.setMarker(SeriesMarkers.NONE);
    }
    return chart;
  }

  private static String seriesName(RunResult run) {
    String ending =
        switch (run.status()) {
          case COMPLETED ->
              String.format(Locale.ROOT, "all %s rows", ScalingTable.count(run.rows()));
          case OUT_OF_MEMORY ->
              String.format(
                  Locale.ROOT, "OutOfMemory after %s rows", ScalingTable.count(run.rows()));
          case FAILED -> "failed";
          case TIMED_OUT -> "timed out";
        };
    String batch =
        run.request().mode() == ReadMode.GENERICS_LIST
            ? ""
            : ", batch " + ScalingTable.count(run.request().batchSize());
    return String.format(
        Locale.ROOT,
        "%s%s, %s: peak %.0f MiB, %s",
        run.request().mode().label(),
        batch,
        run.limits().heapLabel(),
        run.peakRssMib(),
        ending);
  }
}

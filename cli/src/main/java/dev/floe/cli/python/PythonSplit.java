package dev.floe.cli.python;

import java.util.List;

/**
 * A planned split as the Python package gets it: its JSON ({@code ScanSplit.toJson}) and the
 * estimates a distributed engine schedules by.
 *
 * @param json the split, for {@code read_split} in any process
 * @param estimatedRows rows in the split's file ranges before deletes and filtering
 * @param estimatedBytes bytes of the split's data file ranges
 * @param files the data files it reads
 */
public record PythonSplit(
    String json, long estimatedRows, long estimatedBytes, List<String> files) {
  public PythonSplit {
    files = List.copyOf(files);
  }
}

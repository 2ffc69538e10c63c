package dev.floe.reader;

import org.apache.iceberg.io.InputFile;

/**
 * An input file whose bytes are another input file's: a table's file read from where it was copied
 * to. {@link #location()} stays the location the table's metadata names; format readers may read
 * {@link #target()} instead, to use what only its kind of file offers (a Hadoop file's
 * configuration, for Parquet page checksums).
 */
public interface RelocatedInputFile extends InputFile {
  /** The file the bytes are read from. */
  InputFile target();
}

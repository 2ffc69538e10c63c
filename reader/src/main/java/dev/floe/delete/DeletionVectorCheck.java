package dev.floe.delete;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.CRC32;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.io.IOUtil;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.SeekableInputStream;

/**
 * Checks a deletion vector's blob before Iceberg decodes it: its length field, magic bytes and the
 * CRC-32 that the format stores over them. Iceberg 1.11 decodes the bitmap first and checks the CRC
 * afterwards, and a damaged bitmap count makes it allocate and fill that many bitmaps, spinning for
 * minutes and filling the heap before it fails (found by fuzzing). A blob that passes this check is
 * what its writer wrote.
 *
 * <p>Layout (Iceberg spec, {@code deletion-vector-v1}): a 4-byte big-endian length of magic plus
 * bitmap, the magic {@code D1 D3 39 64}, the portable 64-bit roaring bitmap, and a 4-byte
 * big-endian CRC-32 of magic plus bitmap.
 */
public final class DeletionVectorCheck {
  private static final int MAGIC = 0xD1D33964;

  /** Length field, magic and CRC. */
  private static final int FRAMING = 12;

  private DeletionVectorCheck() {}

  /**
   * Reads the blob of {@code dv} from {@code file} and checks it.
   *
   * @throws IllegalArgumentException saying what is wrong, if the blob is damaged
   * @throws UncheckedIOException if the file cannot be read
   */
  public static void verify(InputFile file, DeleteFile dv) {
    requireNonNull(file, "file is null");
    requireNonNull(dv, "dv is null");
    long offset = requireNonNull(dv.contentOffset(), "DV content offset is null");
    long size = requireNonNull(dv.contentSizeInBytes(), "DV content size is null");
    long fileLength = file.getLength();
    if (offset < 0 || size < FRAMING || offset + size > fileLength || size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          String.format(
              "Invalid deletion vector: blob at %d of %d bytes, expected one of at least %d bytes"
                  + " inside the file's %d bytes",
              offset, size, FRAMING, fileLength));
    }
    byte[] blob = new byte[(int) size];
    try (SeekableInputStream in = file.newStream()) {
      in.seek(offset);
      IOUtil.readFully(in, blob, 0, blob.length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int length = readInt(blob, 0);
    if (length != blob.length - 8) {
      throw new IllegalArgumentException(
          String.format(
              "Invalid deletion vector length: %d, expected %d (blob of %d bytes at %d)",
              length, blob.length - 8, blob.length, offset));
    }
    int magic = readInt(blob, 4);
    if (magic != MAGIC) {
      throw new IllegalArgumentException(
          String.format(
              "Invalid deletion vector magic: %08x, expected %08x (blob at %d)",
              magic, MAGIC, offset));
    }
    CRC32 crc = new CRC32();
    crc.update(blob, 4, length);
    int stored = readInt(blob, blob.length - 4);
    if ((int) crc.getValue() != stored) {
      throw new IllegalArgumentException(
          String.format(
              "Invalid deletion vector checksum: CRC-32 %08x, stored %08x (blob at %d)",
              (int) crc.getValue(), stored, offset));
    }
  }

  private static int readInt(byte[] bytes, int at) {
    return (bytes[at] & 0xFF) << 24
        | (bytes[at + 1] & 0xFF) << 16
        | (bytes[at + 2] & 0xFF) << 8
        | (bytes[at + 3] & 0xFF);
  }
}

package dev.floe.scan;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Files;
import org.apache.iceberg.puffin.BlobMetadata;
import org.apache.iceberg.puffin.Puffin;
import org.apache.iceberg.puffin.PuffinReader;
import org.apache.orc.OrcFile;
import org.apache.orc.OrcProto;
import org.apache.orc.Reader;
import org.apache.orc.StripeInformation;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.Util;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * The structural parts of a Parquet, ORC or Puffin file, found by reading the undamaged file with
 * the formats' own readers: where its footer, page headers, pages, dictionaries, stripes and blobs
 * lie, so that damage can be aimed at each kind of part.
 */
final class FileRegions {
  private FileRegions() {}

  /**
   * One part of a file: bytes {@code [start, end)}.
   *
   * @param checksummed whether the format carries a checksum over these bytes that a reader can
   *     check (Parquet page CRCs, a deletion vector's CRC), so that damage here must never read as
   *     different rows
   */
  record Region(String kind, long start, long end, boolean checksummed) {
    long length() {
      return end - start;
    }
  }

  /** The regions of the local file at {@code path}, by its format (from the file name). */
  static List<Region> of(java.nio.file.Path path, byte[] bytes) {
    String name = path.getFileName().toString();
    try {
      if (name.endsWith(".parquet")) {
        return parquet(path, bytes);
      } else if (name.endsWith(".orc")) {
        return orc(path, bytes.length);
      } else if (name.endsWith(".puffin")) {
        return puffin(path, bytes.length);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalArgumentException("Unknown file format: " + path);
  }

  private static List<Region> parquet(java.nio.file.Path path, byte[] bytes) throws IOException {
    List<Region> regions = new ArrayList<>();
    int length = bytes.length;
    int footerLength =
        (bytes[length - 8] & 0xFF)
            | (bytes[length - 7] & 0xFF) << 8
            | (bytes[length - 6] & 0xFF) << 16
            | (bytes[length - 5] & 0xFF) << 24;
    long footerStart = length - 8L - footerLength;
    regions.add(new Region("magic", 0, 4, false));
    long lastChunkEnd = 4;
    try (ParquetFileReader reader =
        ParquetFileReader.open(
            HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(path.toUri()), new Configuration()))) {
      for (BlockMetaData rowGroup : reader.getFooter().getBlocks()) {
        for (ColumnChunkMetaData chunk : rowGroup.getColumns()) {
          long end = chunk.getStartingPos() + chunk.getTotalSize();
          pages(bytes, chunk.getStartingPos(), end, regions);
          lastChunkEnd = Math.max(lastChunkEnd, end);
        }
      }
    }
    if (lastChunkEnd < footerStart) {
      regions.add(new Region("page index", lastChunkEnd, footerStart, false));
    }
    regions.add(new Region("footer", footerStart, length - 8, false));
    regions.add(new Region("footer length", length - 8, length - 4, false));
    regions.add(new Region("magic", length - 4, length, false));
    return regions;
  }

  /** The page headers and pages of one column chunk, walked header by header. */
  private static void pages(byte[] bytes, long start, long end, List<Region> regions)
      throws IOException {
    long at = start;
    while (at < end) {
      ByteArrayInputStream in =
          new ByteArrayInputStream(bytes, (int) at, (int) (bytes.length - at));
      PageHeader header = Util.readPageHeader(in);
      long dataStart = bytes.length - in.available();
      long dataEnd = dataStart + header.getCompressed_page_size();
      boolean dictionary = header.getType() == PageType.DICTIONARY_PAGE;
      regions.add(
          new Region(dictionary ? "dictionary page header" : "page header", at, dataStart, false));
      if (dataEnd > dataStart) {
        regions.add(
            new Region(
                dictionary ? "dictionary page" : "data page",
                dataStart,
                dataEnd,
                header.isSetCrc()));
      }
      at = dataEnd;
    }
  }

  private static List<Region> orc(java.nio.file.Path path, long length) throws IOException {
    List<Region> regions = new ArrayList<>();
    regions.add(new Region("magic", 0, 3, false));
    try (Reader reader =
        OrcFile.createReader(
            new org.apache.hadoop.fs.Path(path.toUri()),
            OrcFile.readerOptions(new Configuration()))) {
      for (StripeInformation stripe : reader.getStripes()) {
        long index = stripe.getOffset();
        long data = index + stripe.getIndexLength();
        long footer = data + stripe.getDataLength();
        long end = footer + stripe.getFooterLength();
        if (data > index) {
          regions.add(new Region("stripe index", index, data, false));
        }
        regions.add(new Region("stripe data", data, footer, false));
        regions.add(new Region("stripe footer", footer, end, false));
      }
      OrcProto.FileTail tail = reader.getFileTail();
      long postscriptLength = tail.getPostscriptLength();
      long postscript = length - 1 - postscriptLength;
      long footer = postscript - tail.getPostscript().getFooterLength();
      long metadata = footer - tail.getPostscript().getMetadataLength();
      if (footer > metadata) {
        regions.add(new Region("metadata", metadata, footer, false));
      }
      regions.add(new Region("footer", footer, postscript, false));
      regions.add(new Region("postscript", postscript, length - 1, false));
      regions.add(new Region("postscript length", length - 1, length, false));
    }
    return regions;
  }

  private static List<Region> puffin(java.nio.file.Path path, long length) throws IOException {
    List<Region> regions = new ArrayList<>();
    regions.add(new Region("magic", 0, 4, false));
    long blobsEnd = 4;
    try (PuffinReader reader = Puffin.read(Files.localInput(path.toFile())).build()) {
      for (BlobMetadata blob : reader.fileMetadata().blobs()) {
        // a deletion vector blob ends with a CRC of its bitmap, which Iceberg checks
        regions.add(new Region("blob", blob.offset(), blob.offset() + blob.length(), true));
        blobsEnd = Math.max(blobsEnd, blob.offset() + blob.length());
      }
    }
    regions.add(new Region("footer", blobsEnd, length, false));
    return regions;
  }
}

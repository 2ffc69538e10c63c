package dev.floe.delete;

import static java.util.Objects.requireNonNull;

import dev.floe.FloeException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * The delete files of one scan, each loaded once and shared by every data file it applies to:
 * equality-delete key sets and the position-delete indexes of whole position-delete files (through
 * Iceberg's {@code BaseDeleteLoader} caching hook). Without it every data file of a partition would
 * read the partition's delete files again: O(data files × delete rows) instead of O(delete rows).
 *
 * <p>Bounded by bytes (estimated from each delete file's record count, as Iceberg estimates them):
 * a value larger than the bound is loaded for its caller alone and not kept; when the cached values
 * pass the bound, the least recently used are dropped. A value dropped, or never kept, is read
 * again by the next data file that needs it — correct, only slower. The values live on the Java
 * heap, never in Arrow memory.
 *
 * <p>Thread safe: the data files of a scan may open on several threads; a value that one thread is
 * loading is waited for by the others instead of being loaded twice. {@link #clear()} drops every
 * value; the scan calls it when it releases its files.
 */
public final class DeleteCache {
  /**
   * The default bound: 128 MiB, or an eighth of the maximum heap if that is smaller (16 MiB at
   * {@code -Xmx128m}). About 8 million long keys, or 130 million deleted positions.
   */
  public static final long DEFAULT_MAX_BYTES =
      Math.min(128L << 20, Runtime.getRuntime().maxMemory() / 8);

  private final long maxBytes;
  // access order: the eldest entry is the least recently used; guarded by this
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;
  private long loads;

  private record Entry(CompletableFuture<Object> value, long bytes) {}

  private DeleteCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** A cache of at most {@link #DEFAULT_MAX_BYTES}. */
  public static DeleteCache withDefaultBound() {
    return new DeleteCache(DEFAULT_MAX_BYTES);
  }

  /**
   * A cache of at most {@code maxBytes}; 0 keeps nothing (every data file reads its deletes).
   *
   * @throws IllegalArgumentException if {@code maxBytes} is negative
   */
  public static DeleteCache withMaxBytes(long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException(
          "Invalid delete cache size: " + maxBytes + ", expected >= 0");
    }
    return new DeleteCache(maxBytes);
  }

  /** The bound in bytes. */
  public long maxBytes() {
    return maxBytes;
  }

  /** Estimated bytes of the values kept now. */
  public synchronized long bytes() {
    return bytes;
  }

  /** Values loaded so far (kept or not); a value served from the cache is not a load. */
  public synchronized long loads() {
    return loads;
  }

  /**
   * The value cached under {@code key}, loading it with {@code loader} if it is not there.
   *
   * @param key names the delete file and how it was read
   * @param estimatedBytes the value's estimated size
   * @param loader reads the value; called at most once per key while the value stays cached
   */
  <V> V get(String key, long estimatedBytes, Supplier<V> loader) {
    requireNonNull(key, "key is null");
    requireNonNull(loader, "loader is null");
    if (estimatedBytes > maxBytes) {
      synchronized (this) {
        loads += 1;
      }
      return loader.get();
    }
    Entry entry;
    boolean loading = false;
    synchronized (this) {
      entry = entries.get(key);
      if (entry == null) {
        entry = new Entry(new CompletableFuture<>(), estimatedBytes);
        entries.put(key, entry);
        bytes += estimatedBytes;
        loads += 1;
        loading = true;
        evictBeyondBound(entry);
      }
    }
    if (loading) {
      return load(key, entry, loader);
    }
    return await(key, entry);
  }

  private <V> V load(String key, Entry entry, Supplier<V> loader) {
    try {
      V value = loader.get();
      entry.value().complete(value);
      return value;
    } catch (RuntimeException | Error e) {
      synchronized (this) {
        if (entries.remove(key, entry)) {
          bytes -= entry.bytes();
        }
      }
      entry.value().completeExceptionally(e);
      throw e;
    }
  }

  @SuppressWarnings("unchecked")
  private static <V> V await(String key, Entry entry) {
    try {
      return (V) entry.value().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FloeException("Cannot load deletes " + key + ": interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime; // the loading thread's failure, which names the delete file
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new FloeException("Cannot load deletes " + key, cause);
    }
  }

  /** Drops least recently used values, never {@code keep}, until the values fit the bound. */
  private void evictBeyondBound(Entry keep) {
    Iterator<Map.Entry<String, Entry>> eldest = entries.entrySet().iterator();
    while (bytes > maxBytes && eldest.hasNext()) {
      Entry entry = eldest.next().getValue();
      if (entry != keep) {
        eldest.remove();
        bytes -= entry.bytes();
      }
    }
  }

  /** Drops every value. Loads under way finish for their callers and are not kept. */
  public synchronized void clear() {
    entries.clear();
    bytes = 0;
  }
}

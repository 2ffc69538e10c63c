package dev.floe.cli;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * The existing table closest to a name that does not exist, for "did you mean": the same name in
 * another case ({@code DEMO.EVENTS_PARQUET}), a near spelling ({@code demo.events_parqet}), or the
 * name without its namespace ({@code events_parquet}). It looks in the namespace named (or, if that
 * does not exist, in the namespaces beside it whose names are close), with a few listing calls,
 * never a walk of the whole catalog.
 */
final class TableSuggestion {
  /** Namespaces whose tables are listed at most; a catalog with more gets no suggestion. */
  private static final int MAX_NAMESPACES = 20;

  private TableSuggestion() {}

  /**
   * The closest table, if one is close enough. A failure while listing is added to {@code primary}
   * as suppressed: the suggestion is a courtesy, the missing table is the error.
   */
  static Optional<TableIdentifier> closest(
      Catalog catalog, TableIdentifier missing, Throwable primary) {
    requireNonNull(catalog, "catalog is null");
    requireNonNull(missing, "missing is null");
    try {
      TableIdentifier best = null;
      int bestDistance = Integer.MAX_VALUE;
      String wanted = lower(missing.toString());
      boolean bare = missing.namespace().isEmpty();
      for (Namespace namespace : namespaces(catalog, missing.namespace())) {
        for (TableIdentifier candidate : catalog.listTables(namespace)) {
          // a bare name that matches a table's own name is one step away: its namespace
          int distance =
              bare
                  ? 1 + distance(lower(candidate.name()), wanted)
                  : distance(lower(candidate.toString()), wanted);
          if (distance < bestDistance) {
            best = candidate;
            bestDistance = distance;
          }
        }
      }
      return bestDistance <= allowed(wanted) ? Optional.of(best) : Optional.empty();
    } catch (RuntimeException e) {
      primary.addSuppressed(e);
      return Optional.empty();
    }
  }

  /** The namespace named if it exists, else those beside it with a close name. */
  private static List<Namespace> namespaces(Catalog catalog, Namespace named) {
    if (!(catalog instanceof SupportsNamespaces namespaces)) {
      return named.isEmpty() ? List.of() : List.of(named);
    }
    if (!named.isEmpty() && namespaces.namespaceExists(named)) {
      return List.of(named);
    }
    String[] levels = named.levels();
    Namespace parent =
        levels.length <= 1
            ? Namespace.empty()
            : Namespace.of(Arrays.copyOf(levels, levels.length - 1));
    List<Namespace> siblings = namespaces.listNamespaces(parent);
    if (siblings.size() > MAX_NAMESPACES) {
      return List.of();
    }
    if (named.isEmpty()) {
      return siblings; // a bare table name: look in every top-level namespace
    }
    String last = lower(levels[levels.length - 1]);
    List<Namespace> close = new ArrayList<>();
    for (Namespace sibling : siblings) {
      String name = lower(sibling.level(sibling.length() - 1));
      if (distance(name, last) <= allowed(last)) {
        close.add(sibling);
      }
    }
    return close;
  }

  /** Edits tolerated for a name of this length: 1 for short names, up to 3. */
  private static int allowed(String name) {
    return Math.max(1, Math.min(3, name.length() / 5));
  }

  private static String lower(String text) {
    return text.toLowerCase(Locale.ROOT);
  }

  /**
   * Edit distance counting insertions, deletions, substitutions and swaps of neighbours ({@code bd}
   * for {@code db}) as one edit each (optimal string alignment).
   */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}

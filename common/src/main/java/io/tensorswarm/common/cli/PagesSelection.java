package io.tensorswarm.common.cli;

import io.tensorswarm.common.data.TokenPages;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;

/**
 * The value of a {@code --pages} option: {@code all} (every complete window from the start of the
 * data) or a count {@code N} (N pages drawn by a seeded sampler).
 */
public record PagesSelection(boolean all, int count) {
    /** Every complete, non-overlapping window. */
    public static final PagesSelection ALL = new PagesSelection(true, 0);

    public PagesSelection {
        if (!all && count < 1) {
            throw new IllegalArgumentException("page count must be at least 1");
        }
    }

    /** Returns the pages this selection picks, drawing counted pages with {@code seed}. */
    public List<int[]> select(TokenPages pages, long seed) {
        return all ? pages.allPages() : pages.evalPages(seed, count);
    }

    @Override
    public String toString() {
        return all ? "all" : Integer.toString(count);
    }

    /** Parses {@code all} or a positive integer for picocli. */
    public static final class Converter implements CommandLine.ITypeConverter<PagesSelection> {
        @Override
        public PagesSelection convert(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            if (v.equals("all")) {
                return ALL;
            }
            try {
                int n = Integer.parseInt(v);
                if (n >= 1) {
                    return new PagesSelection(false, n);
                }
            } catch (NumberFormatException ignored) {
                // fall through to the error below
            }
            throw new CommandLine.TypeConversionException("expected 'all' or a positive page count, got '" + value + "'");
        }
    }
}

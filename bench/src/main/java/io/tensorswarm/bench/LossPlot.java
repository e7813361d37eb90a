package io.tensorswarm.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws held-out loss against tokens seen, one column per miner count and one line per
 * configuration, with Java2D into a PNG (headless; no plotting dependency). The top row shows the
 * whole run from the loss after the first round (the initial model's loss, above it, is named in
 * the title); the bottom row zooms on the second half of the rounds, where the lines end.
 */
final class LossPlot {
    private static final int PANEL_W = 640;
    private static final int PANEL_H = 460;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf), new Color(0xbcbd22), new Color(0x7f7f7f)
    };
    private static final Map<String, Color> CODEC_COLORS = Map.of(
            "fp32", PALETTE[0], "bf16", PALETTE[1], "int8", PALETTE[2], "topk", PALETTE[3], "sparseloco", PALETTE[4]);

    private LossPlot() {}

    /** Writes one panel per entry of {@code panels} (title, runs) side by side to {@code file}. */
    static void write(Path file, String title, List<Map.Entry<String, List<RunResult>>> panels) throws IOException {
        int width = PANEL_W * Math.max(1, panels.size());
        int height = 2 * PANEL_H + 30;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(title, 10, 20);
            for (int i = 0; i < panels.size(); i++) {
                List<RunResult> runs = panels.get(i).getValue();
                int rounds = runs.stream().mapToInt(r -> r.points().size() - 1).max().orElse(1);
                drawPanel(g, i * PANEL_W, 30, panels.get(i).getKey(), runs, 1);
                drawPanel(g, i * PANEL_W, 30 + PANEL_H, panels.get(i).getKey() + ", zoomed on rounds "
                        + Math.max(1, rounds / 2) + "-" + rounds, runs, Math.max(1, rounds / 2));
            }
        } finally {
            g.dispose();
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JVM");
        }
    }

    /** Draws one panel whose y range covers the points from round {@code fromRound} on (x: all tokens). */
    private static void drawPanel(Graphics2D g, int x0, int y0, String title, List<RunResult> runs, int fromRound) {
        double maxTokens = 1;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double initial = Double.NaN;
        for (RunResult run : runs) {
            initial = run.initialLoss();
            for (RunResult.Point p : run.points()) {
                maxTokens = Math.max(maxTokens, p.tokens());
                if (p.round() >= fromRound && Double.isFinite(p.loss())) {
                    lo = Math.min(lo, p.loss());
                    hi = Math.max(hi, p.loss());
                }
            }
        }
        if (!(hi > lo)) {
            lo = Double.isFinite(lo) ? lo - 0.5 : 0;
            hi = lo + 1;
        }
        double pad = (hi - lo) * 0.04;
        lo -= pad;
        hi += pad;
        int px = x0 + LEFT;
        int py = y0 + TOP;
        int pw = PANEL_W - LEFT - RIGHT;
        int ph = PANEL_H - TOP - BOTTOM;

        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(title, px, y0 + 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString(String.format(Locale.ROOT, "initial held-out loss %.3f (above the axis); final loss in the legend",
                initial), px, y0 + 34);

        // Grid and ticks.
        g.setStroke(new BasicStroke(1f));
        FontMetrics fm = g.getFontMetrics();
        for (double t : ticks(lo, hi, 6)) {
            int y = py + (int) Math.round((hi - t) / (hi - lo) * ph);
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(px, y, px + pw, y);
            g.setColor(Color.DARK_GRAY);
            String s = String.format(Locale.ROOT, "%.2f", t);
            g.drawString(s, px - 6 - fm.stringWidth(s), y + 4);
        }
        for (double t : ticks(0, maxTokens, 6)) {
            int x = px + (int) Math.round(t / maxTokens * pw);
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(x, py, x, py + ph);
            g.setColor(Color.DARK_GRAY);
            String s = tokens(t);
            g.drawString(s, x - fm.stringWidth(s) / 2, py + ph + 16);
        }
        g.setColor(Color.BLACK);
        g.drawRect(px, py, pw, ph);
        g.drawString("tokens seen", px + pw / 2 - 30, py + ph + 34);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString("held-out loss (nats/token)", -(py + ph / 2 + 70), x0 + 16);
        rotated.dispose();

        // Lines, clipped to the plot area.
        Graphics2D clip = (Graphics2D) g.create();
        clip.clipRect(px, py, pw + 1, ph + 1);
        int paletteIndex = 0;
        List<Color> colors = new ArrayList<>();
        for (RunResult run : runs) {
            Color c;
            if (run.isOneMachine()) {
                c = Color.BLACK;
            } else if (runs.stream().filter(x -> run.codec().equals(x.codec())).count() == 1
                    && CODEC_COLORS.containsKey(run.codec())) {
                c = CODEC_COLORS.get(run.codec());
            } else {
                c = PALETTE[paletteIndex++ % PALETTE.length];
            }
            colors.add(c);
            Path2D.Double line = new Path2D.Double();
            boolean first = true;
            for (RunResult.Point p : run.points()) {
                double x = px + p.tokens() / maxTokens * pw;
                double y = py + (hi - p.loss()) / (hi - lo) * ph;
                if (first) {
                    line.moveTo(x, y);
                    first = false;
                } else {
                    line.lineTo(x, y);
                }
            }
            clip.setColor(c);
            clip.setStroke(new BasicStroke(run.isOneMachine() ? 2.6f : 1.8f, BasicStroke.CAP_ROUND,
                    BasicStroke.JOIN_ROUND, 10f, run.isOneMachine() ? new float[] {7f, 4f} : null, 0f));
            clip.draw(line);
        }
        clip.dispose();

        // Legend, top right.
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        fm = g.getFontMetrics();
        int lw = 0;
        for (RunResult run : runs) {
            lw = Math.max(lw, fm.stringWidth(legend(run)));
        }
        int lx = px + pw - lw - 40;
        int ly = py + 8;
        g.setColor(new Color(255, 255, 255, 230));
        g.fillRect(lx - 6, ly - 2, lw + 42, runs.size() * 17 + 6);
        g.setColor(Color.GRAY);
        g.drawRect(lx - 6, ly - 2, lw + 42, runs.size() * 17 + 6);
        for (int i = 0; i < runs.size(); i++) {
            int y = ly + 12 + i * 17;
            g.setColor(colors.get(i));
            g.setStroke(new BasicStroke(2.4f));
            g.drawLine(lx, y - 4, lx + 24, y - 4);
            g.setColor(Color.BLACK);
            g.drawString(legend(runs.get(i)), lx + 30, y);
        }
    }

    private static String legend(RunResult run) {
        return String.format(Locale.ROOT, "%s  %.3f", run.label(), run.finalLoss());
    }

    /** Returns about {@code n} round tick values covering [lo, hi]. */
    static List<Double> ticks(double lo, double hi, int n) {
        double span = hi - lo;
        double raw = span / Math.max(1, n);
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = mag;
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * mag >= raw) {
                step = m * mag;
                break;
            }
        }
        List<Double> out = new ArrayList<>();
        for (double t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step) {
            out.add(t);
        }
        return out;
    }

    private static String tokens(double t) {
        if (t >= 1e6) {
            return String.format(Locale.ROOT, "%.1fM", t / 1e6);
        }
        if (t >= 1e3) {
            return String.format(Locale.ROOT, "%.0fk", t / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", t);
    }
}

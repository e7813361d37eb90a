package io.tensorswarm.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Draws the PNG of {@link SwarmBench} again from its CSV of curves ({@code scripts/bench/run swarm
 * --replot <csv> [<png>] [title]}), for example after several invocations' CSVs were concatenated.
 */
public final class ReplotSwarm {
    private ReplotSwarm() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: scripts/bench/run swarm --replot <curves.csv> [<plot.png>] [title]");
            System.exit(2);
        }
        Path csv = Path.of(args[0]);
        Path png = args.length > 1 ? Path.of(args[1])
                : Path.of(csv.toString().replaceFirst("\\.csv$", "") + ".png");
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        // model -> miners -> configuration -> points
        Map<Integer, Map<String, List<String[]>>> byMiners = new LinkedHashMap<>();
        String model = "";
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank() || line.startsWith("model,")) {
                continue;
            }
            String[] f = line.split(",", -1);
            model = f[0];
            byMiners.computeIfAbsent(Integer.parseInt(f[1]), k -> new LinkedHashMap<>())
                    .computeIfAbsent(f[2], k -> new ArrayList<>()).add(f);
        }
        List<Map.Entry<String, List<RunResult>>> panels = new ArrayList<>();
        for (Map.Entry<Integer, Map<String, List<String[]>>> e : byMiners.entrySet()) {
            List<RunResult> runs = new ArrayList<>();
            for (Map.Entry<String, List<String[]>> c : e.getValue().entrySet()) {
                List<RunResult.Point> points = new ArrayList<>();
                for (String[] f : c.getValue()) {
                    points.add(new RunResult.Point(Integer.parseInt(f[6]), Long.parseLong(f[7]), Double.parseDouble(f[8])));
                }
                String[] first = c.getValue().get(0);
                runs.add(new RunResult(c.getKey(), first[3].isEmpty() ? null : first[3], e.getKey(),
                        first[4].isEmpty() ? Double.NaN : Double.parseDouble(first[4]),
                        first[5].isEmpty() ? Double.NaN : Double.parseDouble(first[5]), points, 0, 0, 0, 0, 0, 0, 0, 0,
                        0, Map.of(), 0, 0, 0));
            }
            panels.add(new AbstractMap.SimpleEntry<>("K = " + e.getKey() + " miners", runs));
        }
        String title = args.length > 2 ? args[2] : "Swarm benchmark, " + model + ": held-out loss vs tokens seen";
        LossPlot.write(png, title, panels);
        System.err.println("wrote " + png);
    }
}

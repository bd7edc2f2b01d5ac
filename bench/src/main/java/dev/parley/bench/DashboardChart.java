package dev.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws Grafana panels from what Prometheus answered to their queries over a run, one chart per panel, side by side
 * in one PNG: the "live load" picture of deploy/check-dashboard.sh, which writes the panels' range queries as JSON.
 *
 * <p>How to run:
 * <ol>
 *   <li>{@code CHART=docs/screenshots/dashboard-live.png deploy/check-dashboard.sh} calls it at the end of its run</li>
 *   <li>or by hand: {@code java -cp <bench classpath> dev.parley.bench.DashboardChart panels.json out.png}, where
 *   panels.json is {@code [{"title", "unit", "series": [{"name", "t": [epoch s...], "v": [...]}]}]}</li>
 * </ol>
 */
public final class DashboardChart {

    private DashboardChart() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: DashboardChart panels.json out.png");
        }
        JsonNode panels = new ObjectMapper().readTree(Files.readString(Path.of(args[0])));
        List<XYChart> charts = new ArrayList<>();
        for (JsonNode panel : panels) {
            charts.add(chart(panel));
        }
        Path png = Path.of(args[1]).toAbsolutePath();
        Files.createDirectories(png.getParent());
        BitmapEncoder.saveBitmap(charts, 1, charts.size(), png.toString(), BitmapEncoder.BitmapFormat.PNG);
        System.out.println("wrote " + png);
    }

    private static XYChart chart(JsonNode panel) {
        String unit = panel.path("unit").asText("");
        boolean seconds = unit.equals("s");
        XYChart chart = new XYChartBuilder().width(640).height(400).title(panel.path("title").asText())
            .xAxisTitle("time (UTC)").yAxisTitle(axisTitle(unit)).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setDatePattern("HH:mm:ss");
        chart.getStyler().setTimezone(java.util.TimeZone.getTimeZone("UTC"));
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        // a latency's cold start is a hundred times its steady state: on a log axis both can be read
        chart.getStyler().setYAxisLogarithmic(seconds);
        for (JsonNode series : panel.path("series")) {
            List<Date> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int i = 0; i < series.path("t").size(); i++) {
                double value = series.path("v").get(i).asDouble(Double.NaN);
                if (!Double.isNaN(value) && !(seconds && value <= 0)) {
                    x.add(new Date((long) (series.path("t").get(i).asDouble() * 1000)));
                    y.add(seconds ? value * 1000 : value);
                }
            }
            if (!x.isEmpty()) {
                chart.addSeries(series.path("name").asText(), x, y).setMarker(SeriesMarkers.NONE);
            }
        }
        return chart;
    }

    /** Grafana's unit of a panel as an axis title; seconds are drawn in milliseconds. */
    private static String axisTitle(String unit) {
        return switch (unit) {
            case "s", "ms" -> "ms";
            case "reqps" -> "per second";
            case "bytes" -> "bytes";
            default -> "";
        };
    }
}

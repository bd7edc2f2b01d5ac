package dev.parley.bench;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The latency scenario's chart: added time to first token (p50 and p99, per transport) against concurrency. */
final class LatencyChart {

    private LatencyChart() {
    }

    static void write(Path png, List<LatencyScenario.Level> levels, List<Transport> transports) {
        XYChart chart = new XYChartBuilder().width(900).height(560)
            .title("Time to first token added by Parley (Parley minus direct to the simulator)")
            .xAxisTitle("concurrent streams").yAxisTitle("added time to first token (ms)").build();
        chart.getStyler().setXAxisLogarithmic(levels.size() > 1);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setMarkerSize(8);
        chart.getStyler().setXAxisDecimalPattern("#,###");
        for (Transport transport : transports) {
            for (double percentile : new double[] {50, 99}) {
                List<Double> x = new ArrayList<>();
                List<Double> y = new ArrayList<>();
                for (LatencyScenario.Level level : levels) {
                    TurnLoad.Result parley = level.parley().get(transport);
                    double added = parley.firstToken().percentile(percentile)
                        - level.direct().firstToken().percentile(percentile);
                    if (!Double.isNaN(added)) {
                        x.add((double) level.concurrency());
                        y.add(added);
                    }
                }
                if (!x.isEmpty()) {
                    Color color = transport == Transport.SSE ? new Color(0x1f77b4) : new Color(0xd62728);
                    XYSeries series = chart.addSeries(transport.label() + " p" + (int) percentile, x, y);
                    series.setLineColor(color);
                    series.setMarkerColor(color);
                    series.setMarker(percentile == 50 ? SeriesMarkers.CIRCLE : SeriesMarkers.DIAMOND);
                    series.setLineStyle(percentile == 50 ? SeriesLines.SOLID : SeriesLines.DASH_DASH);
                }
            }
        }
        try {
            Files.createDirectories(png.getParent());
            try (OutputStream out = Files.newOutputStream(png)) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
    }
}

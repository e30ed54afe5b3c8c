package io.switchboard.bench.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Draws a Grafana dashboard's panels as one HTML page of SVG charts, from the answers Prometheus
 * gave to the panels' own queries: the layout (grid positions), titles, legends and units of the
 * dashboard file, for a screenshot where no Grafana server can run. Time series and stat panels
 * only, which is what Switchboard's dashboard uses.
 */
final class DashboardRenderer {

  /** One query's answer: its series, each a legend and its points (epoch seconds, value). */
  record Series(String legend, List<double[]> points) {}

  private static final int WIDTH = 1600;
  private static final int ROW_HEIGHT = 30;
  private static final String[] COLORS = {"#73bf69", "#f2cc0c", "#5794f2", "#ff9830", "#f2495c", "#b877d9",
      "#8ab8ff", "#fade2a", "#96d98d", "#ffb357"};
  private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*([a-zA-Z_]+)\\s*}}");

  private DashboardRenderer() {}

  /** The legend of one series: the target's legend format with the series' labels filled in. */
  static String legend(String format, JsonNode metric) {
    if (format == null || format.isBlank()) {
      return metric.toString();
    }
    Matcher m = LEGEND_LABEL.matcher(format);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(metric.path(m.group(1)).asText("")));
    }
    m.appendTail(out);
    return out.toString().trim();
  }

  /** The series of a query_range answer. */
  static List<Series> series(JsonNode answer, String legendFormat) {
    List<Series> all = new ArrayList<>();
    for (JsonNode result : answer.path("data").path("result")) {
      List<double[]> points = new ArrayList<>();
      for (JsonNode value : result.path("values")) {
        double v = parse(value.get(1).asText());
        if (!Double.isNaN(v) && !Double.isInfinite(v)) {
          points.add(new double[] {value.get(0).asDouble(), v});
        }
      }
      all.add(new Series(legend(legendFormat, result.path("metric")), points));
    }
    return all;
  }

  private static double parse(String text) {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /**
   * @param data each panel's id to its targets' series, in the targets' order
   * @param start,end the time range shown, epoch seconds
   */
  static String html(JsonNode dashboard, Map<Integer, List<Series>> data, long start, long end, String caption) {
    int bottom = 0;
    StringBuilder body = new StringBuilder();
    for (JsonNode panel : dashboard.path("panels")) {
      JsonNode grid = panel.path("gridPos");
      int x = grid.path("x").asInt() * WIDTH / 24;
      int y = grid.path("y").asInt() * ROW_HEIGHT;
      int w = grid.path("w").asInt() * WIDTH / 24;
      int h = grid.path("h").asInt() * ROW_HEIGHT;
      bottom = Math.max(bottom, y + h);
      String title = escape(panel.path("title").asText());
      String unit = panel.path("fieldConfig").path("defaults").path("unit").asText("short");
      List<Series> series = data.getOrDefault(panel.path("id").asInt(), List.of());
      String style = "left:%dpx;top:%dpx;width:%dpx;height:%dpx".formatted(x + 4, y + 4, w - 8, h - 8);
      switch (panel.path("type").asText()) {
        case "row" -> body.append("<div class=row style=\"").append(style).append("\">").append(title).append("</div>");
        case "stat" -> body.append("<div class=panel style=\"").append(style).append("\"><div class=title>")
            .append(title).append("</div><div class=stat>").append(escape(stat(series, unit))).append("</div></div>");
        default -> body.append("<div class=panel style=\"").append(style).append("\"><div class=title>")
            .append(title).append("</div>").append(chart(series, unit, start, end, w - 8, h - 8)).append("</div>");
      }
    }
    return """
        <!DOCTYPE html><html><head><meta charset="utf-8"><title>%s</title><style>
        body{margin:0;background:#111217;color:#ccccdc;font:13px Inter,Helvetica,Arial,sans-serif}
        header{padding:10px 14px;font-size:18px;color:#fff}header small{display:block;font-size:12px;color:#8e8e9e}
        main{position:relative;width:%dpx;height:%dpx}
        .panel{position:absolute;background:#181b1f;border:1px solid #2c3235;border-radius:3px;overflow:hidden}
        .row{position:absolute;font-size:15px;color:#fff;font-weight:600;padding-top:6px}
        .title{padding:6px 8px;font-weight:600;color:#d8d9da;white-space:nowrap;overflow:hidden}
        .stat{font-size:30px;color:#73bf69;padding:2px 10px;font-weight:600}
        .legend{font-size:11px;padding:0 8px;color:#ccccdc;line-height:15px}
        .legend span{display:inline-block;margin-right:10px;white-space:nowrap}
        .legend i{display:inline-block;width:10px;height:3px;margin-right:4px;vertical-align:middle}
        svg text{fill:#8e8e9e;font-size:10px}
        </style></head><body><header>%s<small>%s</small></header><main>%s</main></body></html>
        """.formatted(escape(dashboard.path("title").asText()), WIDTH, bottom + 8,
        escape(dashboard.path("title").asText()), escape(caption), body);
  }

  private static String stat(List<Series> series, String unit) {
    for (Series s : series) {
      if (!s.points().isEmpty()) {
        return format(s.points().get(s.points().size() - 1)[1], unit);
      }
    }
    return "No data";
  }

  private static String chart(List<Series> series, String unit, long start, long end, int width, int height) {
    int left = 62;
    int top = 4;
    int plotW = width - left - 10;
    int legendLines = Math.max(1, (series.size() + 2) / 3);
    int plotH = height - 30 - 18 - legendLines * 15;
    double max = 0;
    for (Series s : series) {
      for (double[] p : s.points()) {
        max = Math.max(max, p[1]);
      }
    }
    max = max <= 0 ? 1 : max * 1.1;
    StringBuilder svg = new StringBuilder("<svg width=\"%d\" height=\"%d\">".formatted(width, plotH + top + 18));
    for (int i = 0; i <= 4; i++) {
      double v = max * i / 4;
      int y = top + plotH - (int) Math.round(plotH * i / 4.0);
      svg.append("<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#2c3235\"/>".formatted(left, left + plotW, y, y));
      svg.append("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>".formatted(left - 4, y + 3, escape(format(v, unit))));
    }
    for (int i = 0; i <= 4; i++) {
      long t = start + (end - start) * i / 4;
      int x = left + (int) Math.round(plotW * i / 4.0);
      svg.append("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>".formatted(x, top + plotH + 13,
          java.time.LocalTime.ofSecondOfDay(t % 86_400).toString()));
    }
    StringBuilder legend = new StringBuilder("<div class=legend>");
    Iterator<Series> it = series.iterator();
    for (int i = 0; it.hasNext(); i++) {
      Series s = it.next();
      String color = COLORS[i % COLORS.length];
      StringBuilder points = new StringBuilder();
      for (double[] p : s.points()) {
        double x = left + plotW * (p[0] - start) / Math.max(1, end - start);
        double y = top + plotH - plotH * p[1] / max;
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      svg.append("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>".formatted(color, points));
      legend.append("<span><i style=\"background:%s\"></i>%s</span>".formatted(color, escape(s.legend())));
    }
    if (series.stream().allMatch(s -> s.points().isEmpty())) {
      svg.append("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">No data</text>".formatted(left + plotW / 2,
          top + plotH / 2));
    }
    return svg.append("</svg>").toString() + legend.append("</div>");
  }

  static String format(double value, String unit) {
    return switch (unit) {
      case "s" -> value < 1 ? String.format(Locale.ROOT, "%.0f ms", value * 1000) : String.format(Locale.ROOT, "%.2f s", value);
      case "ms" -> String.format(Locale.ROOT, "%.0f ms", value);
      case "reqps" -> String.format(Locale.ROOT, value < 1 ? "%.2f req/s" : "%.1f req/s", value);
      case "ops" -> String.format(Locale.ROOT, value < 1 ? "%.2f ops/s" : "%.1f ops/s", value);
      case "bytes" -> String.format(Locale.ROOT, "%.0f MiB", value / (1024 * 1024));
      default -> value >= 100 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.2f", value);
    };
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}

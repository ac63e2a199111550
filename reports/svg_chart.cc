// SVG charts for the reports. See svg_chart.h.
#include "reports/svg_chart.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>
#include <system_error>

namespace shardsim::svg {
namespace {

constexpr double kWidth = 760;
constexpr double kFontTitle = 15, kFontLabel = 12, kFontTick = 11;
constexpr size_t kMaxPoints = 1500;  // per series; more are merged keeping the largest y
constexpr const char* kFont = "font-family=\"Helvetica, Arial, sans-serif\"";
constexpr const char* kInk = "#222222";
constexpr const char* kGrid = "#dddddd";

// Coordinates with one decimal, "12.5" / "12" (no trailing ".0").
std::string Coord(double v) {
  if (!std::isfinite(v)) v = 0;
  v = std::round(v * 10) / 10;
  if (v == 0) v = 0;  // no "-0"
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 1);
  std::string s(buf, r.ptr);
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

std::string Attr(const std::string& text) { return Escape(text); }

std::string Text(double x, double y, const std::string& text, double size,
                 const char* anchor = "start", const char* extra = "") {
  return "<text x=\"" + Coord(x) + "\" y=\"" + Coord(y) + "\" font-size=\"" + Coord(size) +
         "\" text-anchor=\"" + anchor + "\" fill=\"" + kInk + "\"" + extra + ">" + Escape(text) +
         "</text>\n";
}

// Rough width of text in px at `size` (no font metrics: about 0.62 em per character, enough
// for digits and most sans-serif letters).
double TextWidth(std::string_view text, double size) {
  size_t chars = 0;
  for (char c : text) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return static_cast<double>(chars) * size * 0.62;
}

std::string Open(const std::string& id, double width, double height, const std::string& title,
                 const std::string& description) {
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + Coord(width) + " " +
                  Coord(height) + "\" width=\"" + Coord(width) + "\" height=\"" + Coord(height) +
                  "\" role=\"img\" aria-labelledby=\"" + Attr(id) + "-title " + Attr(id) +
                  "-desc\" " + kFont + ">\n";
  s += "<title id=\"" + Attr(id) + "-title\">" + Escape(title) + "</title>\n";
  s += "<desc id=\"" + Attr(id) + "-desc\">" + Escape(description) + "</desc>\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  s += Text(12, 22, title, kFontTitle, "start", " font-weight=\"bold\"");
  return s;
}

// A scale maps data values to pixels along one axis.
struct Scale {
  double lo = 0, hi = 1;  // data range (log: of log10 values)
  double a = 0, b = 1;    // pixel range (b may be < a)
  bool log = false;
  bool Valid(double v) const { return std::isfinite(v) && (!log || v > 0); }
  double operator()(double v) const {
    const double t = log ? std::log10(v) : v;
    return a + (t - lo) / (hi - lo) * (b - a);
  }
};

double NiceStep(double span, int target) {
  const double raw = span / std::max(target, 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

struct Ticks {
  std::vector<double> values;  // data values (not logs)
};

// Fits the scale's range to [lo, hi] of the data and returns its ticks.
Ticks FitAxis(const Axis& axis, double lo, double hi, bool include_zero, Scale* s,
              bool round_out = true) {
  Ticks t;
  s->log = axis.log;
  if (axis.min) lo = *axis.min;
  if (axis.max) hi = *axis.max;
  if (axis.log) {
    if (!(lo > 0)) lo = hi > 0 ? hi / 10 : 1;
    if (!(hi > lo)) hi = lo * 10;
    double l = std::floor(std::log10(lo)), h = std::ceil(std::log10(hi));
    if (axis.min) l = std::log10(lo);
    if (axis.max) h = std::log10(hi);
    if (h <= l) h = l + 1;
    s->lo = l;
    s->hi = h;
    for (double e = std::ceil(l - 1e-9); e <= h + 1e-9; ++e) {
      const double base = std::pow(10.0, e);
      t.values.push_back(base);
      if (h - l <= 2) {  // few decades: also 2 and 5
        for (double m : {2.0, 5.0}) {
          if (e + std::log10(m) <= h + 1e-9) t.values.push_back(base * m);
        }
      }
    }
    std::sort(t.values.begin(), t.values.end());
    return t;
  }
  if (include_zero && !axis.min) lo = std::min(lo, 0.0);
  if (!(hi > lo)) hi = lo + (lo == 0 ? 1 : std::fabs(lo));
  const double step = NiceStep(hi - lo, 5);
  if (round_out && !axis.min) lo = std::floor(lo / step + 1e-9) * step;
  if (round_out && !axis.max) hi = std::ceil(hi / step - 1e-9) * step;
  s->lo = lo;
  s->hi = hi;
  for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-6; v += step) {
    t.values.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);
  }
  return t;
}

// Keeps at most kMaxPoints points: consecutive points are merged into one with the largest y.
void Thin(std::vector<double>* x, std::vector<double>* y) {
  const size_t n = std::min(x->size(), y->size());
  if (n <= kMaxPoints) return;
  const size_t group = (n + kMaxPoints - 1) / kMaxPoints;
  std::vector<double> nx, ny;
  for (size_t i = 0; i < n; i += group) {
    double best = -std::numeric_limits<double>::infinity();
    bool any = false;
    for (size_t j = i; j < std::min(n, i + group); ++j) {
      if (std::isfinite((*y)[j])) best = std::max(best, (*y)[j]), any = true;
    }
    nx.push_back((*x)[i]);
    ny.push_back(any ? best : std::numeric_limits<double>::quiet_NaN());
  }
  *x = std::move(nx);
  *y = std::move(ny);
}

const char* Dash(size_t i) {
  static constexpr const char* kDashes[] = {"", "6 3", "2 2", "8 3 2 3", "1 3", "10 4"};
  return kDashes[i % 6];
}

// The mark of a point at (x, y): a filled circle, a cross or a filled diamond, outlined in white
// so that marks on top of each other stay apart.
std::string Mark(Shape shape, double x, double y, const std::string& colour) {
  switch (shape) {
    case Shape::kNone:
      return "";
    case Shape::kCircle:
      return "<circle cx=\"" + Coord(x) + "\" cy=\"" + Coord(y) + "\" r=\"4.5\" fill=\"" + colour +
             "\" stroke=\"#ffffff\" stroke-width=\"1\"/>\n";
    case Shape::kCross:
      return "<path d=\"M" + Coord(x - 5) + " " + Coord(y - 5) + "L" + Coord(x + 5) + " " +
             Coord(y + 5) + "M" + Coord(x - 5) + " " + Coord(y + 5) + "L" + Coord(x + 5) + " " +
             Coord(y - 5) + "\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"2.5\"/>\n";
    case Shape::kDiamond:
      return "<path d=\"M" + Coord(x) + " " + Coord(y - 6.5) + "L" + Coord(x + 6.5) + " " +
             Coord(y) + "L" + Coord(x) + " " + Coord(y + 6.5) + "L" + Coord(x - 6.5) + " " +
             Coord(y) + "Z\" fill=\"" + colour + "\" stroke=\"#ffffff\" stroke-width=\"1\"/>\n";
  }
  return "";
}

struct LegendEntry {
  std::string name;
  bool line = true;
  Shape shape = Shape::kNone;
};

std::string Legend(const std::vector<LegendEntry>& entries, double y0, double* height) {
  std::string s;
  double x = 12, y = y0;
  for (size_t i = 0; i < entries.size(); ++i) {
    const std::string& name = entries[i].name;
    const double w = 30 + TextWidth(name, kFontLabel) + 14;
    if (x + w > kWidth - 8 && x > 12) x = 12, y += 18;
    const std::string& colour = Palette()[i % Palette().size()];
    if (entries[i].line) {
      s += "<line x1=\"" + Coord(x) + "\" y1=\"" + Coord(y - 4) + "\" x2=\"" + Coord(x + 24) +
           "\" y2=\"" + Coord(y - 4) + "\" stroke=\"" + colour + "\" stroke-width=\"2.5\"";
      if (*Dash(i)) s += std::string(" stroke-dasharray=\"") + Dash(i) + "\"";
      s += "/>\n";
    }
    s += Mark(entries[i].shape, x + 12, y - 4, colour);
    s += Text(x + 30, y, name, kFontLabel);
    x += w;
  }
  *height = entries.empty() ? 0 : y - y0 + 18;
  return s;
}

}  // namespace

const std::vector<std::string>& Palette() {
  static const std::vector<std::string> kPalette = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                                    "#E69F00", "#56B4E9", "#000000"};
  return kPalette;
}

std::string Viridis(double v) {
  static constexpr int kStops[][3] = {
      {68, 1, 84},    {72, 40, 120},  {62, 73, 137},  {49, 104, 142}, {38, 130, 142},
      {31, 158, 137}, {53, 183, 121}, {110, 206, 88}, {181, 222, 43}, {253, 231, 37}};
  if (!std::isfinite(v)) v = 0;
  v = std::clamp(v, 0.0, 1.0) * 9;
  const int i = std::min(8, static_cast<int>(v));
  const double f = v - i;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s = "#";
  for (int c = 0; c < 3; ++c) {
    const int x =
        static_cast<int>(std::lround(kStops[i][c] + f * (kStops[i + 1][c] - kStops[i][c])));
    s += kHex[x >> 4];
    s += kHex[x & 15];
  }
  return s;
}

std::string CompactNumber(double v) {
  if (!std::isfinite(v)) return "-";
  const double a = std::fabs(v);
  const char* suffix = "";
  double scaled = v;
  if (a >= 1e9) {
    scaled = v / 1e9, suffix = "G";
  } else if (a >= 1e6) {
    scaled = v / 1e6, suffix = "M";
  } else if (a >= 1e3) {
    scaled = v / 1e3, suffix = "k";
  }
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, scaled, std::chars_format::general, 3);
  std::string s(buf, r.ptr);
  if (s == "-0") s = "0";
  return s + suffix;
}

std::string Escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Render(const LineChart& chart) {
  std::vector<LegendEntry> names;
  for (const Series& s : chart.series) names.push_back({s.name, s.line, s.shape});
  double legend_h = 0;
  const std::string legend = Legend(names, 46, &legend_h);
  const double top = 40 + legend_h + 8, left = 72, right = 24, bottom = 50, plot_h = 240;
  const double height = top + plot_h + bottom;

  // Data ranges.
  double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo, ylo = xlo, yhi = -xlo;
  for (const Series& s : chart.series) {
    for (size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      if (std::isfinite(s.x[i]) && (!chart.x.log || s.x[i] > 0)) {
        xlo = std::min(xlo, s.x[i]), xhi = std::max(xhi, s.x[i]);
      }
      if (std::isfinite(s.y[i]) && (!chart.y.log || s.y[i] > 0)) {
        ylo = std::min(ylo, s.y[i]), yhi = std::max(yhi, s.y[i]);
      }
    }
  }
  for (const Band& b : chart.bands) xlo = std::min(xlo, b.from), xhi = std::max(xhi, b.to);
  for (const Marker& m : chart.markers) xlo = std::min(xlo, m.x), xhi = std::max(xhi, m.x);
  if (!std::isfinite(xlo)) xlo = 0, xhi = 1;
  if (!std::isfinite(ylo)) ylo = 0, yhi = 1;
  Scale sx, sy;
  sx.a = left, sx.b = kWidth - right;
  sy.a = top + plot_h, sy.b = top;
  const Ticks tx = FitAxis(chart.x, xlo, xhi, false, &sx, /*round_out=*/false);
  const Ticks ty = FitAxis(chart.y, ylo, yhi, true, &sy);

  std::string s = Open(chart.id, kWidth, height, chart.title, chart.description) + legend;
  // Bands under everything else.
  for (const Band& b : chart.bands) {
    const double x1 = std::clamp(sx(std::max(b.from, chart.x.log ? 1e-300 : b.from)), sx.a, sx.b);
    const double x2 = std::clamp(sx(b.to), sx.a, sx.b);
    s += "<rect x=\"" + Coord(std::min(x1, x2)) + "\" y=\"" + Coord(top) + "\" width=\"" +
         Coord(std::fabs(x2 - x1)) + "\" height=\"" + Coord(plot_h) +
         "\" fill=\"#999999\" fill-opacity=\"0.18\"/>\n";
    if (!b.label.empty()) s += Text(std::min(x1, x2) + 4, top + 14, b.label, kFontTick);
  }
  // Grid and ticks.
  for (double v : ty.values) {
    const double y = sy(v);
    if (y < top - 0.5 || y > top + plot_h + 0.5) continue;
    s += "<line x1=\"" + Coord(left) + "\" y1=\"" + Coord(y) + "\" x2=\"" + Coord(kWidth - right) +
         "\" y2=\"" + Coord(y) + "\" stroke=\"" + kGrid + "\"/>\n";
    s += Text(left - 6, y + 4, CompactNumber(v), kFontTick, "end");
  }
  for (double v : tx.values) {
    const double x = sx(v);
    if (x < left - 0.5 || x > kWidth - right + 0.5) continue;
    s += "<line x1=\"" + Coord(x) + "\" y1=\"" + Coord(top + plot_h) + "\" x2=\"" + Coord(x) +
         "\" y2=\"" + Coord(top + plot_h + 5) + "\" stroke=\"" + kInk + "\"/>\n";
    s += Text(x, top + plot_h + 18, CompactNumber(v), kFontTick, "middle");
  }
  s += "<rect x=\"" + Coord(left) + "\" y=\"" + Coord(top) + "\" width=\"" +
       Coord(kWidth - right - left) + "\" height=\"" + Coord(plot_h) +
       "\" fill=\"none\" stroke=\"" + kInk + "\"/>\n";
  s += Text((left + kWidth - right) / 2, top + plot_h + 38, chart.x.label, kFontLabel, "middle");
  const double ymid = top + plot_h / 2;
  s += "<text x=\"16\" y=\"" + Coord(ymid) + "\" font-size=\"" + Coord(kFontLabel) +
       "\" text-anchor=\"middle\" fill=\"" + kInk + "\" transform=\"rotate(-90 16 " + Coord(ymid) +
       ")\">" + Escape(chart.y.label) + "</text>\n";
  // Series.
  s += "<g fill=\"none\" stroke-width=\"2\" stroke-linejoin=\"round\">\n";
  for (size_t k = 0; k < chart.series.size(); ++k) {
    std::vector<double> x = chart.series[k].x, y = chart.series[k].y;
    y.resize(x.size(), std::numeric_limits<double>::quiet_NaN());
    Thin(&x, &y);
    std::string d;
    bool pen = false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!sx.Valid(x[i]) || !sy.Valid(y[i])) {
        pen = false;
        continue;
      }
      const double px = std::clamp(sx(x[i]), sx.a, sx.b);
      const double py = std::clamp(sy(y[i]), sy.b, sy.a);
      if (!pen) {
        d += "M" + Coord(px) + " " + Coord(py);
      } else if (chart.series[k].step) {
        d += "H" + Coord(px) + "V" + Coord(py);
      } else {
        d += "L" + Coord(px) + " " + Coord(py);
      }
      pen = true;
    }
    if (d.empty() || !chart.series[k].line) continue;
    s += "<path d=\"" + d + "\" stroke=\"" + Palette()[k % Palette().size()] + "\"";
    if (*Dash(k)) s += std::string(" stroke-dasharray=\"") + Dash(k) + "\"";
    s += "><title>" + Escape(chart.series[k].name) + "</title></path>\n";
  }
  s += "</g>\n";
  // Point marks above every line.
  for (size_t k = 0; k < chart.series.size(); ++k) {
    const Series& ser = chart.series[k];
    if (ser.shape == Shape::kNone) continue;
    std::string marks;
    for (size_t i = 0; i < std::min(ser.x.size(), ser.y.size()); ++i) {
      if (!sx.Valid(ser.x[i]) || !sy.Valid(ser.y[i])) continue;
      marks += Mark(ser.shape, std::clamp(sx(ser.x[i]), sx.a, sx.b),
                    std::clamp(sy(ser.y[i]), sy.b, sy.a), Palette()[k % Palette().size()]);
    }
    if (!marks.empty()) {
      s += "<g><title>" + Escape(ser.name) + "</title>\n" + marks + "</g>\n";
    }
  }
  for (const Marker& m : chart.markers) {
    if (!sx.Valid(m.x)) continue;
    const double x = std::clamp(sx(m.x), sx.a, sx.b);
    s += "<line x1=\"" + Coord(x) + "\" y1=\"" + Coord(top) + "\" x2=\"" + Coord(x) + "\" y2=\"" +
         Coord(top + plot_h) + "\" stroke=\"" + kInk + "\" stroke-width=\"1.5\"/>\n";
    const bool right_side = x > (left + kWidth - right) / 2;
    s += Text(right_side ? x - 4 : x + 4, top + 28, m.label, kFontTick,
              right_side ? "end" : "start", " font-weight=\"bold\"");
  }
  return s + "</svg>\n";
}

std::string Render(const HeatMap& map) {
  // Merge cells beyond the caps by their maximum.
  const size_t rows_in = map.values.size();
  size_t cols_in = 0;
  for (const auto& r : map.values) cols_in = std::max(cols_in, r.size());
  const size_t rg = rows_in > kMaxHeatRows ? (rows_in + kMaxHeatRows - 1) / kMaxHeatRows : 1;
  const size_t cg =
      cols_in > kMaxHeatColumns ? (cols_in + kMaxHeatColumns - 1) / kMaxHeatColumns : 1;
  const size_t rows = (rows_in + rg - 1) / rg, cols = (cols_in + cg - 1) / cg;
  std::vector<std::vector<double>> cell(rows, std::vector<double>(cols, std::nan("")));
  for (size_t r = 0; r < rows_in; ++r) {
    for (size_t c = 0; c < map.values[r].size(); ++c) {
      const double v = map.values[r][c];
      if (!std::isfinite(v)) continue;
      double& to = cell[r / rg][c / cg];
      to = std::isfinite(to) ? std::max(to, v) : v;
    }
  }
  std::vector<std::string> labels(rows), notes(rows);
  for (size_t r = 0; r < rows; ++r) {
    const size_t first = r * rg, last = std::min(rows_in, first + rg) - 1;
    labels[r] = first < map.rows.size() ? map.rows[first] : "";
    if (last != first && last < map.rows.size()) labels[r] += " .. " + map.rows[last];
    for (size_t k = first; k <= last && k < map.row_notes.size(); ++k) {
      if (!map.row_notes[k].empty()) {
        notes[r] = map.row_notes[k];
        break;
      }
    }
  }
  double label_w = 40, note_w = 0;
  for (const auto& l : labels) label_w = std::max(label_w, TextWidth(l, kFontTick) + 12);
  for (const auto& n : notes)
    note_w = std::max(note_w, n.empty() ? 0 : TextWidth(n, kFontTick) + 10);
  label_w = std::min(label_w, 260.0);
  const double top = 40, left = label_w, right = note_w + 16;
  const double row_h = rows > 0 ? std::clamp(320.0 / static_cast<double>(rows), 5.0, 18.0) : 18;
  const double plot_h = row_h * static_cast<double>(rows), plot_w = kWidth - left - right;
  const double height = top + plot_h + 92;
  const double col_w = cols > 0 ? plot_w / static_cast<double>(cols) : plot_w;

  std::string s = Open(map.id, kWidth, height, map.title, map.description);
  s += "<g shape-rendering=\"crispEdges\">\n";
  for (size_t r = 0; r < rows; ++r) {
    const double y = top + row_h * static_cast<double>(r);
    for (size_t c = 0; c < cols; ++c) {
      const double v = cell[r][c];
      s += "<rect x=\"" + Coord(left + col_w * static_cast<double>(c)) + "\" y=\"" + Coord(y) +
           "\" width=\"" + Coord(col_w + 0.3) + "\" height=\"" + Coord(row_h + 0.3) + "\" fill=\"" +
           (std::isfinite(v) ? Viridis(v) : std::string("#f2f2f2")) + "\"/>\n";
    }
  }
  s += "</g>\n";
  s += "<rect x=\"" + Coord(left) + "\" y=\"" + Coord(top) + "\" width=\"" + Coord(plot_w) +
       "\" height=\"" + Coord(plot_h) + "\" fill=\"none\" stroke=\"" + kInk + "\"/>\n";
  // Row labels (every row when they fit, else every k-th).
  const size_t every = row_h >= 11 ? 1 : static_cast<size_t>(std::ceil(11.0 / row_h));
  for (size_t r = 0; r < rows; r += every) {
    const double y = top + row_h * (static_cast<double>(r) + 0.5) + 4;
    s += Text(left - 6, y, labels[r], kFontTick, "end");
    if (!notes[r].empty()) s += Text(left + plot_w + 6, y, notes[r], kFontTick);
  }
  // X axis: ticks on nice values of x.
  Axis xa = map.x;
  xa.log = false;
  xa.min = map.x0;
  xa.max = map.x0 + map.dx * static_cast<double>(cols_in);
  Scale sx;
  sx.a = left, sx.b = left + plot_w;
  const Ticks tx = FitAxis(xa, *xa.min, *xa.max, false, &sx);
  for (double v : tx.values) {
    const double x = sx(v);
    s += "<line x1=\"" + Coord(x) + "\" y1=\"" + Coord(top + plot_h) + "\" x2=\"" + Coord(x) +
         "\" y2=\"" + Coord(top + plot_h + 5) + "\" stroke=\"" + kInk + "\"/>\n";
    s += Text(x, top + plot_h + 18, CompactNumber(v), kFontTick, "middle");
  }
  s += Text(left + plot_w / 2, top + plot_h + 36, map.x.label, kFontLabel, "middle");
  // Legend: a gradient bar from 0 to 1.
  const std::string grad = Attr(map.id) + "-scale";
  const double ly = top + plot_h + 50, lx = left, lw = std::min(240.0, plot_w);
  s += "<defs><linearGradient id=\"" + grad + "\">";
  for (int i = 0; i <= 10; ++i) {
    s += "<stop offset=\"" + Coord(i * 10) + "%\" stop-color=\"" + Viridis(i / 10.0) + "\"/>";
  }
  s += "</linearGradient></defs>\n";
  s += "<rect x=\"" + Coord(lx) + "\" y=\"" + Coord(ly) + "\" width=\"" + Coord(lw) +
       "\" height=\"12\" fill=\"url(#" + grad + ")\" stroke=\"" + kInk + "\"/>\n";
  s += Text(lx, ly + 26, "0%", kFontTick, "start");
  s += Text(lx + lw / 2, ly + 26, "50%", kFontTick, "middle");
  s += Text(lx + lw, ly + 26, "100% or more", kFontTick, "middle");
  s += Text(lx + lw + 50, ly + 11, map.value_label, kFontLabel);
  return s + "</svg>\n";
}

std::string Render(const BarChart& chart) {
  double label_w = 40, value_w = 0, max_v = 0;
  for (size_t i = 0; i < chart.bars.size(); ++i) {
    label_w = std::max(label_w, TextWidth(chart.bars[i].first, kFontTick) + 12);
    max_v = std::max(max_v, chart.bars[i].second);
    if (i < chart.value_text.size()) {
      value_w = std::max(value_w, TextWidth(chart.value_text[i], kFontTick) + 10);
    }
  }
  label_w = std::min(label_w, 300.0);
  const double top = 40, left = label_w, right = value_w + 16, bar_h = 20;
  const double plot_h = bar_h * static_cast<double>(chart.bars.size()),
               plot_w = kWidth - left - right;
  const double height = top + plot_h + 52;
  Scale sx;
  sx.a = left, sx.b = left + plot_w;
  Axis xa;
  const Ticks tx = FitAxis(xa, 0, max_v > 0 ? max_v : 1, true, &sx);

  std::string s = Open(chart.id, kWidth, height, chart.title, chart.description);
  for (double v : tx.values) {
    const double x = sx(v);
    s += "<line x1=\"" + Coord(x) + "\" y1=\"" + Coord(top) + "\" x2=\"" + Coord(x) + "\" y2=\"" +
         Coord(top + plot_h + 4) + "\" stroke=\"" + kGrid + "\"/>\n";
    s += Text(x, top + plot_h + 16, CompactNumber(v), kFontTick, "middle");
  }
  for (size_t i = 0; i < chart.bars.size(); ++i) {
    const double y = top + bar_h * static_cast<double>(i);
    const double w = std::max(0.0, sx(std::max(0.0, chart.bars[i].second)) - left);
    s += "<rect x=\"" + Coord(left) + "\" y=\"" + Coord(y + 3) + "\" width=\"" + Coord(w) +
         "\" height=\"" + Coord(bar_h - 6) + "\" fill=\"" + Palette()[0] + "\"><title>" +
         Escape(chart.bars[i].first) + "</title></rect>\n";
    s += Text(left - 6, y + bar_h / 2 + 4, chart.bars[i].first, kFontTick, "end");
    if (i < chart.value_text.size()) {
      s += Text(left + w + 5, y + bar_h / 2 + 4, chart.value_text[i], kFontTick);
    }
  }
  s += "<line x1=\"" + Coord(left) + "\" y1=\"" + Coord(top) + "\" x2=\"" + Coord(left) +
       "\" y2=\"" + Coord(top + plot_h) + "\" stroke=\"" + kInk + "\"/>\n";
  s += Text(left + plot_w / 2, top + plot_h + 36, chart.value_label, kFontLabel, "middle");
  return s + "</svg>\n";
}

}  // namespace shardsim::svg

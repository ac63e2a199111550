// Small SVG chart writer for the reports: line charts (linear or log axes, step lines, shaded
// x ranges, markers), heat maps and horizontal bar charts. Output is deterministic bytes (numbers
// through std::to_chars, no locale, no randomness), needs no JavaScript, fonts or network, reads at
// a laptop's width and in print (white ground, dark text, dash patterns beside colours), and uses
// the Okabe-Ito palette for series and viridis for heat maps (both colour-blind safe). Every chart
// carries <title> and <desc> (its text alternative) and role="img". Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace shardsim::svg {

struct Axis {
  std::string label;               // with its unit, e.g. "time (s)"
  bool log = false;                // log10 scale; values <= 0 are left out
  std::optional<double> min, max;  // fixed range; else from the data (linear y includes 0)
};

// A mark drawn at every point of a series (in its colour; the legend shows it too).
enum class Shape { kNone, kCircle, kCross, kDiamond };

struct Series {
  std::string name;
  std::vector<double> x, y;  // same length; a non-finite y breaks the line
  bool step = false;         // step-after (counts per window, empirical CDFs)
  bool line = true;          // false: points only (give it a shape)
  Shape shape = Shape::kNone;
};

struct Band {  // a shaded range of x, e.g. where objectives fail
  double from = 0, to = 0;
  std::string label;
};

struct Marker {  // a vertical line at x with a label, e.g. the recommendation
  double x = 0;
  std::string label;
};

struct LineChart {
  std::string id;  // unique within a page: prefixes the element ids
  std::string title;
  std::string description;  // the text alternative: what the chart shows, in words
  Axis x, y;
  std::vector<Series> series;
  std::vector<Band> bands;
  std::vector<Marker> markers;
};

struct HeatMap {
  std::string id, title, description;
  std::vector<std::string> rows;            // row labels, drawn top to bottom
  double x0 = 0, dx = 1;                    // column c covers [x0 + c*dx, x0 + (c+1)*dx)
  Axis x;                                   // its label (min/max/log are ignored)
  std::vector<std::vector<double>> values;  // [row][column] in [0, 1]; above 1 shows as 1;
                                            // non-finite = no data
  std::string value_label;                  // legend caption, e.g. "share of the binding limit"
  std::vector<std::string> row_notes;       // optional text right of each row
};

struct BarChart {
  std::string id, title, description;
  std::string value_label;                           // axis caption with its unit
  std::vector<std::pair<std::string, double>> bars;  // label, value >= 0; top to bottom
  std::vector<std::string> value_text;               // optional: printed at each bar's end
};

std::string Render(const LineChart& chart);
// Heat maps with more than kMaxHeatColumns columns or kMaxHeatRows rows are drawn with cells
// merged by their maximum, so a 1,000-shard hour stays a small file.
inline constexpr size_t kMaxHeatColumns = 240;
inline constexpr size_t kMaxHeatRows = 64;
std::string Render(const HeatMap& map);
std::string Render(const BarChart& chart);

// The series colours in order (Okabe-Ito without yellow, then black), for legends in tables.
const std::vector<std::string>& Palette();
// Viridis colour of v in [0, 1] (clamped), as "#rrggbb".
std::string Viridis(double v);
// Numbers as the charts print them: at most 3 significant digits with k/M/G suffixes
// (1,234 -> "1.23k"), integers below 1000 plainly.
std::string CompactNumber(double v);
// XML text with &, <, >, " and ' escaped.
std::string Escape(const std::string& text);

}  // namespace shardsim::svg

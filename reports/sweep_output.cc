// sweep.csv, sweep.json and the sweep table. See sweep_output.h.
#include "reports/sweep_output.h"

#include <nlohmann/json.hpp>

#include "models/result/format.h"
#include "reports/summary.h"

namespace shardsim {
namespace {

using Json = nlohmann::ordered_json;

// RFC 4180: quoted when the field holds a comma, a quote or a line break.
std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// Shortest round-trip form of a double, as result.json writes numbers.
std::string Number(double v) { return Json(v).dump(); }

Json MeanCiJson(const MeanCi& m) { return {{"mean", m.mean}, {"ci95", m.half_width}}; }

}  // namespace

std::string SweepCsvText(const SweepResult& r) {
  std::string out;
  std::vector<std::string> header = r.axes;
  for (const char* h : {"replications", "objectives_met", "cost_per_month_usd",
                        "throttled_fraction", "records_dropped"}) {
    header.emplace_back(h);
  }
  std::vector<std::string> consumers;
  if (!r.points.empty()) {
    for (const SweepConsumerFigures& c : r.points.front().consumers) {
      consumers.push_back(c.consumer);
      header.push_back(c.consumer + ".p99_latency_ms");
      header.push_back(c.consumer + ".max_iterator_age_ms");
    }
  }
  for (size_t i = 0; i < header.size(); ++i) out.append(i ? "," : "").append(CsvField(header[i]));
  out += "\n";
  for (const SweepPoint& p : r.points) {
    std::vector<std::string> row = p.values;
    row.push_back(std::to_string(p.replications));
    row.push_back(std::to_string(p.objectives_met));
    row.push_back(p.priced ? Number(p.cost_per_month_usd.mean) : "");
    row.push_back(Number(p.throttled_fraction.mean));
    row.push_back(Number(p.records_dropped.mean));
    for (const std::string& name : consumers) {
      std::string p99, age;
      for (const SweepConsumerFigures& c : p.consumers) {
        if (c.consumer == name) {
          p99 = Number(c.p99_latency_ms.mean);
          age = Number(c.max_iterator_age_ms.mean);
        }
      }
      row.push_back(p99);
      row.push_back(age);
    }
    for (size_t i = 0; i < row.size(); ++i) out.append(i ? "," : "").append(CsvField(row[i]));
    out += "\n";
  }
  return out;
}

std::string SweepJsonText(const SweepResult& r) {
  Json j;
  j["schema_version"] = kSweepSchemaVersion;
  j["scenario"] = r.scenario;
  j["axes"] = r.axes;
  j["objectives"] = r.objectives;
  Json points = Json::array();
  for (const SweepPoint& p : r.points) {
    Json q;
    Json values = Json::object();
    for (size_t a = 0; a < r.axes.size() && a < p.values.size(); ++a) {
      values[r.axes[a]] = p.values[a];
    }
    q["values"] = std::move(values);
    q["replications"] = p.replications;
    q["objectives_met"] = p.objectives_met;
    q["missed"] = p.missed;
    q["cost_per_month_usd"] = p.priced ? MeanCiJson(p.cost_per_month_usd) : Json(nullptr);
    q["throttled_fraction"] = MeanCiJson(p.throttled_fraction);
    q["records_dropped"] = MeanCiJson(p.records_dropped);
    Json consumers = Json::object();
    for (const SweepConsumerFigures& c : p.consumers) {
      consumers[c.consumer] = {{"p99_latency_ms", MeanCiJson(c.p99_latency_ms)},
                               {"max_iterator_age_ms", MeanCiJson(c.max_iterator_age_ms)}};
    }
    q["consumers"] = std::move(consumers);
    points.push_back(std::move(q));
  }
  j["points"] = std::move(points);
  return j.dump(2) + "\n";
}

std::string SweepSummaryText(const SweepResult& r) {
  std::vector<TextColumn> cols;
  for (const std::string& a : r.axes) cols.push_back({a, true, true});
  for (const char* h : {"met", "cost/month", "throttled", "dropped"}) cols.push_back({h, true});
  std::vector<std::string> consumers;
  if (!r.points.empty()) {
    for (const SweepConsumerFigures& c : r.points.front().consumers) {
      consumers.push_back(c.consumer);
      cols.push_back({"p99 " + c.consumer, true, true});
      cols.push_back({"age max", true});
    }
  }
  std::vector<std::vector<std::string>> rows;
  for (const SweepPoint& p : r.points) {
    std::vector<std::string> row = p.values;
    row.push_back(std::to_string(p.objectives_met) + "/" + std::to_string(p.replications));
    row.push_back(p.priced ? Usd(p.cost_per_month_usd.mean) : "-");
    row.push_back(PercentTwoDecimals(p.throttled_fraction.mean));
    row.push_back(Count(std::round(p.records_dropped.mean)));
    for (const SweepConsumerFigures& c : p.consumers) {
      row.push_back(Millis(c.p99_latency_ms.mean));
      row.push_back(Millis(c.max_iterator_age_ms.mean));
    }
    rows.push_back(std::move(row));
  }
  std::string out = r.scenario + ": sweep of " + std::to_string(r.points.size()) + " points\n";
  std::string objectives = "Objectives (met = replications meeting all): ";
  for (size_t i = 0; i < r.objectives.size(); ++i)
    objectives.append(i ? "; " : "").append(r.objectives[i]);
  return out + Wrap(objectives, "") + "\n" + TextTable(cols, rows);
}

}  // namespace shardsim

// What-if comparison of two runs. See report_compare.h.
#include "reports/report_compare.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "models/result/format.h"
#include "models/spec/units.h"
#include "reports/report_charts.h"
#include "reports/report_figures.h"
#include "reports/summary.h"

namespace shardsim {
namespace {

using report::Better;
using report::BulletList;
using report::Code;
using report::Document;
using report::FigureKind;
using report::Heading;
using report::Inline;
using report::Paragraph;
using report::Plain;
using report::Strong;
using report::Table;

constexpr int kTextWidth = 100;

// ---------------------------------------------------------------- the comparison as data

struct HeadlineRow {
  std::string label;
  std::optional<double> a, b;
  FigureKind kind = FigureKind::kCount;
  Better better = Better::kLower;
};

std::vector<HeadlineRow> HeadlineRows(const RunResult& a, const RunResult& b) {
  const std::vector<report::Headline> ha = report::Headlines(a), hb = report::Headlines(b);
  std::vector<HeadlineRow> rows;
  std::vector<std::string> keys;
  for (const report::Headline& h : ha) {
    rows.push_back({h.label, h.value, std::nullopt, h.kind, h.better});
    keys.push_back(h.key);
  }
  for (const report::Headline& h : hb) {
    auto it = std::find(keys.begin(), keys.end(), h.key);
    if (it != keys.end()) {
      rows[static_cast<size_t>(it - keys.begin())].b = h.value;
    } else {
      rows.push_back({h.label, std::nullopt, h.value, h.kind, h.better});
      keys.push_back(h.key);
    }
  }
  return rows;
}

std::string Signed(const std::string& magnitude, double d) {
  return (d > 0 ? "+" : "-") + magnitude;
}

std::string Relative(double a, double d) {
  if (!(a > 0) || !std::isfinite(d)) return "";
  return " (" + std::string(d > 0 ? "+" : "") + Fixed(d / a * 100, 1) + "%)";
}

std::string Change(const HeadlineRow& row) {
  if (!row.a) return "only in B";
  if (!row.b) return "only in A";
  const double a = *row.a, b = *row.b, d = b - a;
  if (!std::isfinite(d)) return "-";
  switch (row.kind) {
    case FigureKind::kFraction:
      if (std::fabs(d) < 5e-7) return "no change";
      return (d > 0 ? "+" : "") + Fixed(d * 100, 2) + " pp";
    case FigureKind::kCount:
      if (d == 0) return "no change";
      return Signed(Count(std::fabs(d)), d) + Relative(a, d);
    case FigureKind::kMillis:
      if (std::fabs(d) < 1e-6) return "no change";
      return Signed(report::Duration(std::fabs(d)), d) + Relative(a, d);
    case FigureKind::kUsd:
      if (std::fabs(d) < 0.005) return "no change";
      return Signed(Usd(std::fabs(d)), d) + Relative(a, d);
  }
  return "";
}

// "better", "worse" or "" (no direction, no change, or a side missing).
std::string Judgement(const HeadlineRow& row) {
  if (!row.a || !row.b || row.better == Better::kNeither) return "";
  const double d = *row.b - *row.a;
  const double eps = row.kind == FigureKind::kFraction ? 5e-7 : 1e-9;
  if (!std::isfinite(d) || std::fabs(d) <= eps * std::max(1.0, std::fabs(*row.a))) return "";
  const bool lower = d < 0;
  return lower == (row.better == Better::kLower) ? "better" : "worse";
}

std::string Value(const std::optional<double>& v, FigureKind kind) {
  return v ? report::FormatHeadline(kind, *v) : "-";
}

std::string FindingKey(const Finding& f) {
  return std::string(FindingKindName(f.kind)) + "|" + f.subject + "|" + report::ObjectiveName(f);
}

struct FindingDelta {
  std::vector<const Finding*> only_a, only_b;
  std::vector<std::pair<const Finding*, const Finding*>> both;
};

FindingDelta CompareFindings(const RunResult& a, const RunResult& b) {
  FindingDelta d;
  std::vector<bool> used(b.findings.size(), false);
  for (const Finding& f : a.findings) {
    const std::string key = FindingKey(f);
    bool matched = false;
    for (size_t i = 0; i < b.findings.size() && !matched; ++i) {
      if (!used[i] && FindingKey(b.findings[i]) == key) {
        used[i] = true;
        matched = true;
        d.both.push_back({&f, &b.findings[i]});
      }
    }
    if (!matched) d.only_a.push_back(&f);
  }
  for (size_t i = 0; i < b.findings.size(); ++i) {
    if (!used[i]) d.only_b.push_back(&b.findings[i]);
  }
  auto by_severity = [](const Finding* x, const Finding* y) { return x->severity < y->severity; };
  std::stable_sort(d.only_a.begin(), d.only_a.end(), by_severity);
  std::stable_sort(d.only_b.begin(), d.only_b.end(), by_severity);
  std::stable_sort(d.both.begin(), d.both.end(), [](const auto& x, const auto& y) {
    return std::min(x.first->severity, x.second->severity) <
           std::min(y.first->severity, y.second->severity);
  });
  return d;
}

struct CostRow {
  std::string dimension;
  std::optional<double> a, b;  // per month; absent = the run is not priced
};

bool Priced(const RunResult& r) { return r.cost && r.cost->priced; }

std::vector<CostRow> CostRows(const RunResult& a, const RunResult& b) {
  std::vector<CostRow> rows;
  auto add = [&](const RunResult& r, bool is_a) {
    if (!Priced(r)) return;
    for (const CostItem& item : r.cost->items) {
      auto it = std::find_if(rows.begin(), rows.end(),
                             [&](const CostRow& c) { return c.dimension == item.dimension; });
      if (it == rows.end()) {
        rows.push_back({item.dimension, std::nullopt, std::nullopt});
        it = rows.end() - 1;
      }
      std::optional<double>& v = is_a ? it->a : it->b;
      v = v.value_or(0) + item.per_month_usd;
    }
  };
  add(a, true);
  add(b, false);
  // A priced run without an item on a dimension costs nothing there.
  for (CostRow& row : rows) {
    if (Priced(a) && !row.a) row.a = 0;
    if (Priced(b) && !row.b) row.b = 0;
  }
  return rows;
}

std::string CostChange(const std::optional<double>& a, const std::optional<double>& b) {
  if (!a || !b) return "-";
  const double d = *b - *a;
  if (std::fabs(d) < 0.005) return "no change";
  return Signed(Usd(std::fabs(d)), d) + Relative(*a, d);
}

std::string RunBrief(const RunResult& r) {
  std::string s = (r.scenario.empty() ? "(unnamed scenario)" : r.scenario) + ", ";
  if (r.stream_mode == kNoStreamMode) {
    s += "no stream";
  } else {
    s += std::to_string(r.open_shards) + " open shards";
    if (!r.stream_mode.empty()) s += " (" + r.stream_mode + ")";
  }
  s += ", seed " + std::to_string(r.seed) + ", ";
  if (std::isfinite(r.duration_s) && r.duration_s >= 0 && r.duration_s < 9.2e9) {
    s += FormatDuration(SimDuration::FromSeconds(r.duration_s));
  } else {
    s += Count(r.duration_s) + "s";
  }
  s += " simulated";
  return s;
}

std::string FindingLine(const Finding& f) {
  return std::string(SeverityName(f.severity)) + " " + std::string(FindingKindName(f.kind)) +
         (f.subject.empty() ? "" : " on " + f.subject) +
         (report::ObjectiveName(f).empty() ? "" : " (" + report::ObjectiveName(f) + ")");
}

// ---------------------------------------------------------------- text

std::string Cut(const std::string& s, size_t width) {
  size_t points = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (points++ == width - 3) {
      size_t rest = 0;
      for (size_t k = i; k < s.size(); ++k)
        rest += (static_cast<unsigned char>(s[k]) & 0xC0) != 0x80;
      if (rest > 3) return s.substr(0, i) + "...";
    }
  }
  return s;
}

std::string Sides(const ComparedRun& a, const ComparedRun& b) { return a.label + " -> " + b.label; }

}  // namespace

std::string CompareText(const ComparedRun& ca, const ComparedRun& cb) {
  const RunResult& a = *ca.result;
  const RunResult& b = *cb.result;
  std::string out = "What-if comparison\n";
  out += Cut("  " + ca.label + ": " + ca.source + " -- " + RunBrief(a), kTextWidth) + "\n";
  out += Cut("  " + cb.label + ": " + cb.source + " -- " + RunBrief(b), kTextWidth) + "\n\n";

  out += "Headline figures\n";
  std::vector<std::vector<std::string>> rows;
  for (const HeadlineRow& row : HeadlineRows(a, b)) {
    rows.push_back(
        {row.label, Value(row.a, row.kind), Value(row.b, row.kind), Change(row), Judgement(row)});
  }
  out += TextTable({{"figure"}, {ca.label, true}, {cb.label, true}, {"change", true}, {""}}, rows);

  const FindingDelta d = CompareFindings(a, b);
  out += "\nFindings (" + std::to_string(a.findings.size()) + " in " + ca.label + ", " +
         std::to_string(b.findings.size()) + " in " + cb.label + ")\n";
  out += "  only in " + cb.label + " (new):" + (d.only_b.empty() ? " none" : "") + "\n";
  for (const Finding* f : d.only_b) out += Cut("    " + FindingLine(*f), kTextWidth) + "\n";
  out += "  only in " + ca.label + " (gone):" + (d.only_a.empty() ? " none" : "") + "\n";
  for (const Finding* f : d.only_a) out += Cut("    " + FindingLine(*f), kTextWidth) + "\n";
  out += "  in both:" + (d.both.empty() ? std::string(" none") : "") + "\n";
  for (const auto& [fa, fb] : d.both) {
    std::string line = "    " + std::string(FindingKindName(fa->kind)) +
                       (fa->subject.empty() ? "" : " on " + fa->subject);
    if (!report::ObjectiveName(*fa).empty()) line += " (" + report::ObjectiveName(*fa) + ")";
    line += fa->severity == fb->severity ? ": " + std::string(SeverityName(fa->severity))
                                         : ": " + std::string(SeverityName(fa->severity)) + " -> " +
                                               std::string(SeverityName(fb->severity));
    out += Cut(line, kTextWidth) + "\n";
  }

  out += "\nCost per month\n";
  if (!Priced(a) && !Priced(b)) {
    out += "  not priced (neither result carries a cost)\n";
  } else {
    std::vector<std::vector<std::string>> cost;
    for (const CostRow& row : CostRows(a, b)) {
      cost.push_back({row.dimension, row.a ? Usd(*row.a) : "not priced",
                      row.b ? Usd(*row.b) : "not priced", CostChange(row.a, row.b)});
    }
    const std::optional<double> ta =
        Priced(a) ? std::optional<double>(a.cost->total_per_month_usd) : std::nullopt;
    const std::optional<double> tb =
        Priced(b) ? std::optional<double>(b.cost->total_per_month_usd) : std::nullopt;
    cost.push_back(
        {"total", ta ? Usd(*ta) : "not priced", tb ? Usd(*tb) : "not priced", CostChange(ta, tb)});
    out += TextTable({{"dimension"}, {ca.label, true}, {cb.label, true}, {"change", true}}, cost);
  }
  return out;
}

report::Document CompareDocument(const ComparedRun& ca, const ComparedRun& cb) {
  const RunResult& a = *ca.result;
  const RunResult& b = *cb.result;
  Document doc;
  doc.title =
      "What-if comparison: " + (a.scenario == b.scenario ? a.scenario + ", " + Sides(ca, cb)
                                                         : a.scenario + " vs " + b.scenario);
  doc.blocks.push_back(Heading{1, doc.title, "top"});
  doc.blocks.push_back(Heading{2, "Runs", "runs"});
  for (const ComparedRun* c : {&ca, &cb}) {
    Paragraph verdict = RunVerdict(*c->result);
    Inline head = {Strong(c->label + ":"), Plain(" "), Code(c->source),
                   Plain(" \u2014 " + RunBrief(*c->result) + ". ")};
    verdict.text.insert(verdict.text.begin(), head.begin(), head.end());
    doc.blocks.push_back(std::move(verdict));
  }

  doc.blocks.push_back(Heading{2, "Headline figures", "headlines"});
  Table t;
  t.columns = {
      {"figure", false}, {ca.label, true}, {cb.label, true}, {"change", true}, {"", false}};
  for (const HeadlineRow& row : HeadlineRows(a, b)) {
    const std::string j = Judgement(row);
    t.rows.push_back({{Plain(row.label)},
                      {Plain(Value(row.a, row.kind))},
                      {Plain(Value(row.b, row.kind))},
                      {Plain(Change(row))},
                      {j.empty() ? Plain("") : Strong(j)}});
  }
  doc.blocks.push_back(std::move(t));

  const FindingDelta d = CompareFindings(a, b);
  doc.blocks.push_back(Heading{2, "Findings", "findings"});
  doc.blocks.push_back(
      Paragraph{{Plain(std::to_string(a.findings.size()) + " in " + ca.label + ", " +
                       std::to_string(b.findings.size()) + " in " + cb.label +
                       "; matched by kind, subject and (for objectives) which objective.")},
                "note"});
  auto finding_list = [&](const std::string& title, const std::string& id,
                          const std::vector<const Finding*>& list) {
    doc.blocks.push_back(Heading{3, title + " (" + std::to_string(list.size()) + ")", id});
    if (list.empty()) {
      doc.blocks.push_back(Paragraph{{Plain("None.")}, ""});
      return;
    }
    BulletList l;
    for (const Finding* f : list) {
      report::Span badge = Strong(std::string(SeverityName(f->severity)));
      badge.css_class = "sev sev-" + std::string(SeverityName(f->severity));
      l.items.push_back({badge, Plain(" "), Strong(std::string(FindingKindName(f->kind))),
                         Plain(f->subject.empty() ? "" : " on "), Code(f->subject),
                         Plain(": " + f->evidence)});
    }
    doc.blocks.push_back(std::move(l));
  };
  finding_list("New in " + cb.label, "findings-new", d.only_b);
  finding_list("Gone in " + cb.label, "findings-gone", d.only_a);
  doc.blocks.push_back(
      Heading{3, "In both (" + std::to_string(d.both.size()) + ")", "findings-both"});
  if (d.both.empty()) {
    doc.blocks.push_back(Paragraph{{Plain("None.")}, ""});
  } else {
    Table both;
    both.columns = {{"finding", false}, {"subject", false}, {ca.label, false}, {cb.label, false}};
    for (const auto& [fa, fb] : d.both) {
      std::string kind = std::string(FindingKindName(fa->kind));
      if (!report::ObjectiveName(*fa).empty()) kind += " (" + report::ObjectiveName(*fa) + ")";
      both.rows.push_back({{Strong(kind)},
                           {Code(fa->subject)},
                           {Plain(std::string(SeverityName(fa->severity)) + ": " + fa->evidence)},
                           {Plain(std::string(SeverityName(fb->severity)) + ": " + fb->evidence)}});
    }
    doc.blocks.push_back(std::move(both));
  }

  doc.blocks.push_back(Heading{2, "Cost", "cost"});
  if (!Priced(a) && !Priced(b)) {
    doc.blocks.push_back(
        Paragraph{{Strong("Not priced: "), Plain("neither result carries a cost.")}, ""});
  } else {
    Table cost;
    cost.columns = {{"dimension", false},
                    {ca.label + " per month", true},
                    {cb.label + " per month", true},
                    {"change", true}};
    for (const CostRow& row : CostRows(a, b)) {
      cost.rows.push_back({{Code(row.dimension)},
                           {Plain(row.a ? Usd(*row.a) : "not priced")},
                           {Plain(row.b ? Usd(*row.b) : "not priced")},
                           {Plain(CostChange(row.a, row.b))}});
    }
    const std::optional<double> ta =
        Priced(a) ? std::optional<double>(a.cost->total_per_month_usd) : std::nullopt;
    const std::optional<double> tb =
        Priced(b) ? std::optional<double>(b.cost->total_per_month_usd) : std::nullopt;
    cost.rows.push_back({{Strong("total")},
                         {Strong(ta ? Usd(*ta) : "not priced")},
                         {Strong(tb ? Usd(*tb) : "not priced")},
                         {Strong(CostChange(ta, tb))}});
    doc.blocks.push_back(std::move(cost));
    for (const ComparedRun* c : {&ca, &cb}) {
      if (!Priced(*c->result)) continue;
      const CostResult& k = *c->result->cost;
      doc.blocks.push_back(Paragraph{
          {Plain(c->label + ": prices from " +
                 (k.price_file.empty() ? std::string("the built-in table") : k.price_file) +
                 (k.region.empty() ? "" : ", " + k.region) +
                 (k.date.empty() ? "" : ", dated " + k.date) + ".")},
          "note"});
    }
  }

  doc.blocks.push_back(Heading{2, "Charts", "charts"});
  // Legends name the scenarios when they differ, so a chart reads without the runs section.
  const bool same = a.scenario == b.scenario;
  const std::string la = same ? ca.label : ca.label + ": " + a.scenario;
  const std::string lb = same ? cb.label : cb.label + ": " + b.scenario;
  std::vector<report::Chart> charts;
  charts.push_back(report::WriteThrottleComparison(a, b, la, lb));
  for (report::Chart& c : report::LatencyCdfComparison(a, b, la, lb))
    charts.push_back(std::move(c));
  for (report::Chart& c : report::IteratorAgeComparison(a, b, la, lb)) {
    charts.push_back(std::move(c));
  }
  bool any = false;
  for (const report::Chart& c : charts) {
    if (c.svg.empty()) {
      if (!c.caption.empty()) doc.blocks.push_back(Paragraph{c.caption, "note"});
      continue;
    }
    any = true;
    doc.blocks.push_back(
        report::Figure{"fig-" + c.name, "compare/" + c.name + ".svg", c.svg, c.title, c.caption});
  }
  if (!any) {
    doc.blocks.push_back(Paragraph{
        {Plain("Nothing to overlay: neither run throttled writes or has consumers.")}, "note"});
  }
  return doc;
}

std::vector<ReportFile> RenderComparison(const ComparedRun& a, const ComparedRun& b) {
  return RenderDocumentFiles(CompareDocument(a, b), "compare");
}

}  // namespace shardsim

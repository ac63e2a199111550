// A report as a small document tree (headings, paragraphs, lists, boxes, tables, figures) and its
// two renderings: Markdown (GitHub-flavoured tables, charts as image links to SVG files beside
// it) and one self-contained XHTML-compatible HTML file (inline CSS with print rules, inline SVG,
// no script, no external reference). Building the content once and rendering it twice keeps
// report.md and report.html saying the same thing. Output is a pure function of the document
// (deterministic bytes). Pure functions, thread-safe.
#pragma once

#include <string>
#include <variant>
#include <vector>

namespace shardsim::report {

enum class Style { kPlain, kStrong, kEmphasis, kCode };

// A run of text in one style. `css_class` adds an HTML class (a severity badge, say); Markdown
// ignores it.
struct Span {
  std::string text;
  Style style = Style::kPlain;
  std::string css_class;
};
using Inline = std::vector<Span>;

inline Span Plain(std::string text) { return {std::move(text), Style::kPlain, {}}; }
inline Span Strong(std::string text) { return {std::move(text), Style::kStrong, {}}; }
inline Span Emphasis(std::string text) { return {std::move(text), Style::kEmphasis, {}}; }
inline Span Code(std::string text) { return {std::move(text), Style::kCode, {}}; }

struct Heading {
  int level = 2;  // 1..4
  std::string text;
  std::string id;  // HTML anchor; empty = none
};

struct Paragraph {
  Inline text;
  std::string css_class;  // HTML only
};

struct BulletList {
  std::vector<Inline> items;
};

// Paragraphs kept together: an HTML <div class="css_class">, consecutive paragraphs in Markdown.
struct Box {
  std::string css_class;
  std::vector<Inline> paragraphs;
};

struct Column {
  std::string header;
  bool numeric = false;  // right-aligned, never wrapped (HTML)
  bool nowrap = false;   // text that must stay on one line (HTML), e.g. a range
};

struct Table {
  std::vector<Column> columns;
  std::vector<std::vector<Inline>> rows;  // each as wide as columns
};

// A chart: inline in HTML, an image link to `file` (relative to the Markdown file) in Markdown.
struct Figure {
  std::string id;    // HTML anchor of the figure
  std::string file;  // e.g. "report/utilisation.svg"
  std::string svg;   // the chart (reports/svg_chart.h)
  std::string alt;   // short text alternative of the image link (the chart's title)
  Inline caption;    // one line under the chart
};

using Block = std::variant<Heading, Paragraph, BulletList, Box, Table, Figure>;

struct Document {
  std::string title;  // the HTML <title>; the first block is usually its level-1 heading
  std::vector<Block> blocks;
};

std::string ToMarkdown(const Document& doc);
std::string ToHtml(const Document& doc);

// Text of a Span run without styles, e.g. for a text alternative.
std::string PlainText(const Inline& text);

}  // namespace shardsim::report

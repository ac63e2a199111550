// Markdown and HTML renderings of a report Document. See report_document.h.
#include "reports/report_document.h"

#include <cctype>
#include <string_view>
#include <type_traits>

#include "reports/svg_chart.h"

namespace shardsim::report {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

// Concatenation by appending: GCC 12 at -O3 warns falsely (-Wrestrict) on "literal" + string.
template <class... Parts>
std::string Cat(const Parts&... parts) {
  std::string out;
  (out.append(std::string_view(parts)), ...);
  return out;
}

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || (static_cast<unsigned char>(c) & 0x80);
}

// Markdown text with the characters that would start markup escaped. An underscore inside a word
// (maximum_record_age) is left alone: GitHub and CommonMark never read it as emphasis, and
// identifiers stay readable in the raw file. Line breaks become spaces.
std::string MdEscape(std::string_view text, bool in_table) {
  std::string out;
  out.reserve(text.size() + 8);
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '\\':
      case '`':
      case '*':
      case '[':
      case ']':
      case '<':
      case '~':
        out += '\\';
        out += c;
        break;
      case '_': {
        const bool inside =
            i > 0 && i + 1 < text.size() && IsWordChar(text[i - 1]) && IsWordChar(text[i + 1]);
        if (!inside) out += '\\';
        out += c;
        break;
      }
      case '|':
        if (in_table) out += '\\';
        out += c;
        break;
      case '&':
        if (i + 1 < text.size() &&
            (std::isalpha(static_cast<unsigned char>(text[i + 1])) || text[i + 1] == '#')) {
          out += '\\';
        }
        out += c;
        break;
      case '\n':
      case '\r':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A block's first characters must not read as a heading, list item, quote or rule.
std::string MdLineStart(std::string text) {
  if (text.empty()) return text;
  const char c = text[0];
  if (c == '#' || c == '-' || c == '+' || c == '=' || c == '>') return Cat("\\", text);
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits > 0 && digits < text.size() && (text[digits] == '.' || text[digits] == ')')) {
    const std::string_view v(text);
    return Cat(v.substr(0, digits), "\\", v.substr(digits));
  }
  return text;
}

std::string MdCode(const std::string& text, bool in_table) {
  std::string body;
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      body += ' ';
    } else if (c == '|' && in_table) {
      body += "\\|";
    } else {
      body += c;
    }
  }
  const bool tick = body.find('`') != std::string::npos;
  return tick ? Cat("`` ", body, " ``") : Cat("`", body, "`");
}

// `text` between emphasis delimiters, with its leading and trailing spaces moved outside them:
// CommonMark does not close "**Fix: **".
std::string MdDelimited(const std::string& text, std::string_view delimiter, bool in_table) {
  const size_t first = text.find_first_not_of(' ');
  if (first == std::string::npos) return text;
  const size_t last = text.find_last_not_of(' ');
  return Cat(std::string_view(text).substr(0, first), delimiter,
             MdEscape(std::string_view(text).substr(first, last - first + 1), in_table), delimiter,
             std::string_view(text).substr(last + 1));
}

std::string MdInline(const Inline& text, bool in_table) {
  std::string out;
  for (const Span& s : text) {
    if (s.text.empty()) continue;
    switch (s.style) {
      case Style::kPlain:
        out += MdEscape(s.text, in_table);
        break;
      case Style::kStrong:
        out += MdDelimited(s.text, "**", in_table);
        break;
      case Style::kEmphasis:
        out += MdDelimited(s.text, "*", in_table);
        break;
      case Style::kCode:
        out += MdCode(s.text, in_table);
        break;
    }
  }
  return out;
}

std::string ClassAttr(const std::string& cls) {
  return cls.empty() ? std::string() : Cat(" class=\"", svg::Escape(cls), "\"");
}

std::string HtmlInline(const Inline& text) {
  std::string out;
  for (const Span& s : text) {
    if (s.text.empty()) continue;
    const std::string cls = ClassAttr(s.css_class);
    const std::string body = svg::Escape(s.text);
    switch (s.style) {
      case Style::kPlain:
        out += cls.empty() ? body : Cat("<span", cls, ">", body, "</span>");
        break;
      case Style::kStrong:
        out += Cat("<strong", cls, ">", body, "</strong>");
        break;
      case Style::kEmphasis:
        out += Cat("<em", cls, ">", body, "</em>");
        break;
      case Style::kCode:
        out += Cat("<code", cls, ">", body, "</code>");
        break;
    }
  }
  return out;
}

constexpr std::string_view kCss = R"(:root { color-scheme: light; }
body { margin: 0; background: #ffffff; color: #222222;
  font: 15px/1.5 Helvetica, Arial, sans-serif; }
main { max-width: 66rem; margin: 0 auto; padding: 1.2rem 1.5rem 3rem; }
h1 { font-size: 1.55rem; margin: 0.4rem 0 0.3rem; line-height: 1.25; }
h2 { font-size: 1.25rem; margin: 2.2rem 0 0.6rem; padding-bottom: 0.2rem;
  border-bottom: 2px solid #dddddd; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 0.4rem; }
p { margin: 0.35rem 0 0.7rem; }
ul { margin: 0.3rem 0 0.8rem; padding-left: 1.4rem; }
li { margin: 0.15rem 0; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.86em;
  background: #f2f2f2; padding: 0 0.2em; border-radius: 3px; overflow-wrap: anywhere; }
.subtitle { color: #444444; margin-top: 0; }
.verdict { font-size: 1.08rem; padding: 0.7rem 1rem; margin: 0.8rem 0 1rem;
  border-left: 6px solid #555555; background: #f5f5f5; }
.verdict.fail { border-left-color: #D55E00; }
.verdict.pass { border-left-color: #009E73; }
.sev { display: inline-block; min-width: 5.2em; text-align: center; padding: 0 0.4em;
  border-radius: 3px; font-size: 0.78rem; font-weight: bold; letter-spacing: 0.03em;
  text-transform: uppercase; }
.sev-critical { background: #D55E00; color: #ffffff; }
.sev-warning { background: #E69F00; color: #000000; }
.sev-info { background: #56B4E9; color: #000000; }
.sev-unconfirmed { background: #CC79A7; color: #000000; }
.finding { border: 1px solid #d6d6d6; border-left-width: 5px; border-radius: 3px;
  padding: 0.3rem 0.9rem; margin: 0.8rem 0; }
.finding.critical { border-left-color: #D55E00; }
.finding.warning { border-left-color: #E69F00; }
.finding.info { border-left-color: #56B4E9; }
.finding p { margin: 0.35rem 0; }
.table-wrap { overflow-x: auto; margin: 0.5rem 0 1rem; }
table { border-collapse: collapse; font-size: 0.84rem; }
th, td { border-bottom: 1px solid #dddddd; padding: 0.22rem 0.5rem; text-align: left;
  vertical-align: top; }
th { border-bottom: 2px solid #999999; background: #fafafa; vertical-align: bottom; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num, td.nowrap { white-space: nowrap; }
td code { white-space: nowrap; overflow-wrap: normal; }
figure { margin: 1rem 0 1.8rem; }
figure svg { display: block; width: 100%; max-width: 54rem; height: auto; }
figcaption { font-size: 0.86rem; color: #444444; margin-top: 0.3rem; }
.note { color: #444444; font-size: 0.9rem; }
@media print {
  @page { margin: 14mm; }
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  table { font-size: 8pt; }
  figure svg { max-width: 100%; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  figure, tr, .finding, .verdict { break-inside: avoid; page-break-inside: avoid; }
  .table-wrap { overflow: visible; }
  .sev, .verdict, .finding, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
)";

}  // namespace

std::string PlainText(const Inline& text) {
  std::string out;
  for (const Span& s : text) out += s.text;
  return out;
}

std::string ToMarkdown(const Document& doc) {
  std::string out;
  for (const Block& block : doc.blocks) {
    if (!out.empty()) out += "\n";
    std::visit(
        Overloaded{
            [&](const Heading& h) {
              out += Cat(std::string(static_cast<size_t>(h.level), '#'), " ",
                         MdEscape(h.text, false), "\n");
            },
            [&](const Paragraph& p) { out += Cat(MdLineStart(MdInline(p.text, false)), "\n"); },
            [&](const BulletList& l) {
              for (const Inline& item : l.items) {
                out += Cat("- ", MdLineStart(MdInline(item, false)), "\n");
              }
            },
            [&](const Box& b) {
              for (size_t i = 0; i < b.paragraphs.size(); ++i) {
                if (i > 0) out += "\n";
                out += Cat(MdLineStart(MdInline(b.paragraphs[i], false)), "\n");
              }
            },
            [&](const Table& t) {
              std::string header = "|", rule = "|";
              for (const Column& c : t.columns) {
                header += Cat(" ", MdEscape(c.header, true), " |");
                rule += c.numeric ? " ---: |" : " --- |";
              }
              out += Cat(header, "\n", rule, "\n");
              for (const auto& row : t.rows) {
                std::string line = "|";
                for (const Inline& cell : row) line += Cat(" ", MdInline(cell, true), " |");
                out += Cat(line, "\n");
              }
            },
            [&](const Figure& f) {
              out += Cat("![", MdEscape(f.alt, false), "](", f.file, ")\n\n");
              out += Cat("*", MdInline(f.caption, false), "*\n");
            },
        },
        block);
  }
  return out;
}

std::string ToHtml(const Document& doc) {
  std::string out = Cat(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>",
      svg::Escape(doc.title), "</title>\n<style>\n", kCss, "</style>\n</head>\n<body>\n<main>\n");
  for (const Block& block : doc.blocks) {
    std::visit(Overloaded{
                   [&](const Heading& h) {
                     const std::string tag = Cat("h", std::to_string(h.level));
                     const std::string id =
                         h.id.empty() ? std::string() : Cat(" id=\"", svg::Escape(h.id), "\"");
                     out += Cat("<", tag, id, ">", svg::Escape(h.text), "</", tag, ">\n");
                   },
                   [&](const Paragraph& p) {
                     out += Cat("<p", ClassAttr(p.css_class), ">", HtmlInline(p.text), "</p>\n");
                   },
                   [&](const BulletList& l) {
                     out += "<ul>\n";
                     for (const Inline& item : l.items)
                       out += Cat("<li>", HtmlInline(item), "</li>\n");
                     out += "</ul>\n";
                   },
                   [&](const Box& b) {
                     out += Cat("<div", ClassAttr(b.css_class), ">\n");
                     for (const Inline& p : b.paragraphs)
                       out += Cat("<p>", HtmlInline(p), "</p>\n");
                     out += "</div>\n";
                   },
                   [&](const Table& t) {
                     out += "<div class=\"table-wrap\">\n<table>\n<thead>\n<tr>";
                     for (const Column& c : t.columns) {
                       out += Cat("<th scope=\"col\"", ClassAttr(c.numeric ? "num" : ""), ">",
                                  svg::Escape(c.header), "</th>");
                     }
                     out += "</tr>\n</thead>\n<tbody>\n";
                     for (const auto& row : t.rows) {
                       out += "<tr>";
                       for (size_t i = 0; i < row.size(); ++i) {
                         const bool num = i < t.columns.size() && t.columns[i].numeric;
                         const bool nowrap = i < t.columns.size() && t.columns[i].nowrap;
                         out += Cat("<td",
                                    ClassAttr(num      ? "num"
                                              : nowrap ? "nowrap"
                                                       : ""),
                                    ">", HtmlInline(row[i]), "</td>");
                       }
                       out += "</tr>\n";
                     }
                     out += "</tbody>\n</table>\n</div>\n";
                   },
                   [&](const Figure& f) {
                     out += Cat("<figure id=\"", svg::Escape(f.id), "\">\n", f.svg, "<figcaption>",
                                HtmlInline(f.caption), "</figcaption>\n</figure>\n");
                   },
               },
               block);
  }
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace shardsim::report

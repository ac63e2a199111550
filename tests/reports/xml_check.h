// Test support: a small XML well-formedness checker (enough for the reports' XHTML-compatible HTML
// and SVG: elements, attributes, character references, comments, one DOCTYPE, processing
// instructions) and a scan for references that would leave the document. Header-only.
#pragma once

#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace shardsim::testing_xml {

inline bool NameStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}
inline bool NameChar(char c) {
  return NameStart(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.';
}

// Why `text` is not well-formed XML (with the line), or nullopt. Also checks that id attributes
// are unique and that every in-document reference (href="#x", url(#x)) names an id.
inline std::optional<std::string> XmlProblem(std::string_view text) {
  size_t i = 0;
  auto line = [&](size_t at) {
    size_t n = 1;
    for (size_t k = 0; k < at && k < text.size(); ++k) n += text[k] == '\n';
    return "line " + std::to_string(n) + ": ";
  };
  auto entity = [&](size_t at, size_t* end) -> bool {  // text[at] == '&'
    const size_t semi = text.find(';', at);
    if (semi == std::string_view::npos || semi - at > 12) return false;
    const std::string_view e = text.substr(at + 1, semi - at - 1);
    *end = semi + 1;
    if (e == "amp" || e == "lt" || e == "gt" || e == "quot" || e == "apos") return true;
    if (e.size() >= 2 && e[0] == '#') {
      const bool hex = e[1] == 'x';
      const std::string_view digits = e.substr(hex ? 2 : 1);
      if (digits.empty()) return false;
      for (char c : digits) {
        if (!(hex ? std::isxdigit(static_cast<unsigned char>(c))
                  : std::isdigit(static_cast<unsigned char>(c))))
          return false;
      }
      return true;
    }
    return false;
  };
  std::vector<std::string> open;
  std::set<std::string> ids;
  std::vector<std::pair<std::string, size_t>> refs;
  bool root_seen = false, root_closed = false;
  while (i < text.size()) {
    const char c = text[i];
    if (c != '<') {
      if (c == '&') {
        size_t end = 0;
        if (!entity(i, &end)) return line(i) + "bad character reference";
        i = end;
        continue;
      }
      if (open.empty() && !std::isspace(static_cast<unsigned char>(c))) {
        return line(i) + "text outside the root element";
      }
      ++i;
      continue;
    }
    if (text.substr(i, 4) == "<!--") {
      const size_t end = text.find("-->", i + 4);
      if (end == std::string_view::npos) return line(i) + "unterminated comment";
      i = end + 3;
      continue;
    }
    if (text.substr(i, 9) == "<!DOCTYPE") {
      if (root_seen) return line(i) + "DOCTYPE after the root element";
      const size_t end = text.find('>', i);
      if (end == std::string_view::npos) return line(i) + "unterminated DOCTYPE";
      i = end + 1;
      continue;
    }
    if (text.substr(i, 2) == "<?") {
      const size_t end = text.find("?>", i);
      if (end == std::string_view::npos) return line(i) + "unterminated processing instruction";
      i = end + 2;
      continue;
    }
    if (text.substr(i, 2) == "<!") return line(i) + "unexpected markup declaration";
    const bool closing = i + 1 < text.size() && text[i + 1] == '/';
    size_t k = i + (closing ? 2 : 1);
    if (k >= text.size() || !NameStart(text[k])) return line(i) + "bad element name";
    const size_t name_start = k;
    while (k < text.size() && NameChar(text[k])) ++k;
    const std::string name(text.substr(name_start, k - name_start));
    if (closing) {
      while (k < text.size() && std::isspace(static_cast<unsigned char>(text[k]))) ++k;
      if (k >= text.size() || text[k] != '>') return line(i) + "bad end tag </" + name;
      if (open.empty() || open.back() != name) {
        return line(i) + "end tag </" + name + "> does not match <" +
               (open.empty() ? std::string("(none)") : open.back()) + ">";
      }
      open.pop_back();
      if (open.empty()) root_closed = true;
      i = k + 1;
      continue;
    }
    if (root_closed) return line(i) + "a second root element <" + name + ">";
    root_seen = true;
    std::set<std::string> attrs;
    bool self_closing = false;
    while (true) {
      const size_t before = k;
      while (k < text.size() && std::isspace(static_cast<unsigned char>(text[k]))) ++k;
      if (k >= text.size()) return line(i) + "unterminated start tag <" + name;
      if (text[k] == '>') {
        ++k;
        break;
      }
      if (text.substr(k, 2) == "/>") {
        self_closing = true;
        k += 2;
        break;
      }
      if (k == before) return line(k) + "attributes must be separated by white space";
      if (!NameStart(text[k])) return line(k) + "bad attribute name in <" + name;
      const size_t a0 = k;
      while (k < text.size() && NameChar(text[k])) ++k;
      const std::string attr(text.substr(a0, k - a0));
      if (!attrs.insert(attr).second) return line(k) + "duplicate attribute " + attr;
      while (k < text.size() && std::isspace(static_cast<unsigned char>(text[k]))) ++k;
      if (k >= text.size() || text[k] != '=')
        return line(k) + "attribute " + attr + " has no value";
      ++k;
      while (k < text.size() && std::isspace(static_cast<unsigned char>(text[k]))) ++k;
      if (k >= text.size() || (text[k] != '"' && text[k] != '\'')) {
        return line(k) + "attribute " + attr + " is not quoted";
      }
      const char quote = text[k++];
      const size_t v0 = k;
      while (k < text.size() && text[k] != quote) {
        if (text[k] == '<') return line(k) + "'<' in attribute " + attr;
        if (text[k] == '&') {
          size_t end = 0;
          if (!entity(k, &end)) return line(k) + "bad character reference in attribute " + attr;
          k = end;
          continue;
        }
        ++k;
      }
      if (k >= text.size()) return line(v0) + "unterminated attribute " + attr;
      const std::string value(text.substr(v0, k - v0));
      ++k;
      if (attr == "id" && !ids.insert(value).second) return line(v0) + "duplicate id " + value;
      if (attr == "href" && !value.empty() && value[0] == '#')
        refs.push_back({value.substr(1), v0});
      for (size_t u = value.find("url(#"); u != std::string::npos; u = value.find("url(#", u + 1)) {
        const size_t close = value.find(')', u);
        refs.push_back({value.substr(u + 5, close - u - 5), v0});
      }
    }
    if (!self_closing)
      open.push_back(name);
    else if (open.empty())
      root_closed = true;
    i = k;
  }
  if (!open.empty()) return "end of text: <" + open.back() + "> is not closed";
  if (!root_seen) return "no root element";
  for (const auto& [id, at] : refs) {
    if (ids.count(id) == 0) return line(at) + "reference to a missing id #" + id;
  }
  return std::nullopt;
}

// Everything in `html` that could fetch or point outside the document: "http://" and "https://"
// (except the SVG namespace), "src=", "url(" not followed by '#', href= not starting with '#',
// "@import", "<script", "<link", "<iframe", "<object", "<embed". Each as "offset: excerpt".
inline std::vector<std::string> ExternalReferences(std::string_view html) {
  std::vector<std::string> found;
  auto excerpt = [&](size_t at) {
    return std::to_string(at) + ": " + std::string(html.substr(at, 60));
  };
  constexpr std::string_view kSvgNs = "xmlns=\"http://www.w3.org/2000/svg\"";
  for (std::string_view needle : {"http://", "https://"}) {
    for (size_t at = html.find(needle); at != std::string_view::npos;
         at = html.find(needle, at + 1)) {
      const size_t ns = at >= 7 ? at - 7 : 0;
      if (needle == "http://" && html.substr(ns, kSvgNs.size()) == kSvgNs) continue;
      found.push_back(excerpt(at));
    }
  }
  for (std::string_view needle :
       {"src=", "@import", "<script", "<link", "<iframe", "<object", "<embed", "<img"}) {
    for (size_t at = html.find(needle); at != std::string_view::npos;
         at = html.find(needle, at + 1)) {
      found.push_back(excerpt(at));
    }
  }
  for (size_t at = html.find("url("); at != std::string_view::npos;
       at = html.find("url(", at + 1)) {
    if (html.substr(at, 5) != "url(#") found.push_back(excerpt(at));
  }
  for (size_t at = html.find("href="); at != std::string_view::npos;
       at = html.find("href=", at + 1)) {
    if (html.substr(at, 7) != "href=\"#" && html.substr(at, 7) != "href='#") {
      found.push_back(excerpt(at));
    }
  }
  return found;
}

}  // namespace shardsim::testing_xml

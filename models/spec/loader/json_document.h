// The JSON document a reader walks: parsed by a SAX builder that keeps document order, rejects
// duplicate keys (the default parser silently keeps the last) and deep nesting, and reports
// malformed JSON with line:column. Also JSON pointers into the document and sorting diagnostics
// into document order. Internal to the loader and other readers; pure functions.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/spec/loader/diagnostics.h"

namespace shardsim::loader {

inline constexpr size_t kMaxDepth = 64;

// Parses `text` into a document. Duplicate keys and nesting deeper than kMaxDepth are reported
// to `c` (the first value of a duplicate key is kept); on malformed JSON returns nullopt with one
// line:column diagnostic.
std::optional<Json> ParseDocument(const std::string& text, Context& c);

// Reads a whole input file of at most `max_bytes`. On failure returns nullopt and sets `error`
// to a pointer-less diagnostic ("no such file", "not a regular file", "the file is 20MiB; a
// scenario may be at most 16MiB" with `what` = "a scenario", "cannot read the file").
std::optional<std::string> ReadInputFile(const std::string& path, int64_t max_bytes,
                                         std::string_view what, Diagnostic* error);

// The unescaped tokens of a JSON pointer ("/a~1b/0" -> {"a/b", "0"}).
std::vector<std::string> SplitPointer(std::string_view pointer);

// The value at `pointer`, or null if the document has none there.
const Json* FindPointer(const Json& root, std::string_view pointer);

// Sort key of a pointer: the position of each token in its object or array; tokens the document
// lacks (a missing required field) sort first within their parent.
std::vector<int64_t> DocumentPosition(const Json& root, std::string_view pointer);

// Stable-sorts diagnostics or feature uses (anything with a `pointer`) into document order.
template <typename T>
void SortByDocumentOrder(const Json& root, std::vector<T>* items) {
  std::vector<std::pair<std::vector<int64_t>, T>> keyed;
  keyed.reserve(items->size());
  for (T& d : *items) keyed.emplace_back(DocumentPosition(root, d.pointer), std::move(d));
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  items->clear();
  for (auto& [key, d] : keyed) items->push_back(std::move(d));
}

}  // namespace shardsim::loader

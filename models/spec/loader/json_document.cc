// DocumentBuilder (SAX), ParseDocument, ReadInputFile and JSON pointers. See json_document.h.
#include "models/spec/loader/json_document.h"

#include <charconv>
#include <deque>
#include <filesystem>
#include <fstream>
#include <set>
#include <system_error>

#include "models/spec/units.h"

namespace shardsim::loader {
namespace {

// Builds an ordered_json from SAX events like nlohmann's own DOM builder, and additionally
// rejects duplicate keys (the default parser keeps the last silently) and deep nesting.
class DocumentBuilder : public nlohmann::json_sax<Json> {
 public:
  DocumentBuilder(Json* root, Context* c) : root_(root), c_(c) {}

  bool null() override { return Put(Json(nullptr)); }
  bool boolean(bool v) override { return Put(Json(v)); }
  bool number_integer(number_integer_t v) override { return Put(Json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Put(Json(v)); }
  bool number_float(number_float_t v, const string_t& /*text*/) override { return Put(Json(v)); }
  bool string(string_t& v) override { return Put(Json(std::move(v))); }
  bool binary(binary_t& /*v*/) override { return Put(Json(nullptr)); }  // not produced by text

  bool start_object(std::size_t /*elements*/) override { return Open(Json(Json::value_t::object)); }
  bool key(string_t& k) override {
    Frame& f = frames_.back();
    f.child_pointer = f.pointer + "/" + PointerToken(k);
    if (!f.keys.insert(k).second) {
      c_->ErrorKeepingValue(f.child_pointer,
                            "duplicate key " + Quote(k) + ": each key may appear only once");
      discarded_.emplace_back();  // the reader sees the first value
      f.slot = &discarded_.back();
    } else {
      f.slot = &(*f.value)[k];
    }
    return true;
  }
  bool end_object() override {
    frames_.pop_back();
    return true;
  }
  bool start_array(std::size_t /*elements*/) override { return Open(Json(Json::value_t::array)); }
  bool end_array() override {
    frames_.pop_back();
    return true;
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& ex) override {
    error_position_ = position;
    // what() is "[json.exception.parse_error.101] parse error at line 2, column 8: syntax error
    // ..."; keep the part after the position, which we compute ourselves from the byte offset.
    std::string message = ex.what();
    const size_t bracket = message.find("] ");
    if (bracket != std::string::npos) message.erase(0, bracket + 2);
    if (message.rfind("parse error", 0) == 0) {
      const size_t colon = message.find(": ");
      if (colon != std::string::npos) message.erase(0, colon + 2);
    }
    error_message_ = Printable(message);
    return false;
  }

  std::optional<size_t> error_position() const { return error_position_; }
  const std::string& error_message() const { return error_message_; }

 private:
  struct Frame {
    Json* value;
    std::string pointer;
    std::set<std::string> keys;  // objects: keys seen
    std::string child_pointer;   // objects: pointer of the value after the last key
    Json* slot = nullptr;        // objects: where the value after the last key goes
  };

  // Stores a value at the current position; returns its address and pointer.
  std::pair<Json*, std::string> Place(Json&& v) {
    if (frames_.empty()) {
      *root_ = std::move(v);
      return {root_, ""};
    }
    Frame& f = frames_.back();
    if (f.value->is_array()) {
      std::string pointer = f.pointer + "/" + std::to_string(f.value->size());
      f.value->push_back(std::move(v));
      return {&f.value->back(), std::move(pointer)};
    }
    *f.slot = std::move(v);
    return {f.slot, f.child_pointer};
  }

  bool Put(Json&& v) {
    Place(std::move(v));
    return true;
  }

  bool Open(Json&& container) {
    auto [value, pointer] = Place(std::move(container));
    if (frames_.size() >= kMaxDepth) {
      c_->Error(pointer, "nested more than " + std::to_string(kMaxDepth) +
                             " levels deep; no scenario needs that");
      return false;
    }
    frames_.push_back({value, std::move(pointer), {}, "", nullptr});
    return true;
  }

  Json* root_;
  Context* c_;
  std::vector<Frame> frames_;
  std::deque<Json> discarded_;  // values of duplicate keys; a deque keeps their addresses
  std::optional<size_t> error_position_;
  std::string error_message_;
};

// The child of `node` named by `token`, and its position among its siblings; null if none.
std::pair<const Json*, int64_t> Child(const Json& node, const std::string& token) {
  if (node.is_object()) {
    int64_t i = 0;
    for (auto it = node.begin(); it != node.end(); ++it, ++i) {
      if (it.key() == token) return {&it.value(), i};
    }
  } else if (node.is_array()) {
    size_t i = 0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), i);
    if (ec == std::errc() && end == token.data() + token.size() && i < node.size()) {
      return {&node[i], static_cast<int64_t>(i)};
    }
  }
  return {nullptr, -1};
}

}  // namespace

std::optional<Json> ParseDocument(const std::string& text, Context& c) {
  Json root;
  DocumentBuilder builder(&root, &c);
  const size_t errors_before = c.error_count();
  const bool ok = Json::sax_parse(text, &builder, nlohmann::detail::input_format_t::json,
                                  /*strict=*/true, /*ignore_comments=*/false);
  if (ok) return root;
  if (builder.error_position()) {
    // nlohmann's position counts the bytes read, the offending byte included.
    const size_t offset = std::min(text.size(), *builder.error_position() - 1);
    const size_t line_start = offset == 0 ? std::string::npos : text.rfind('\n', offset - 1);
    Diagnostic d;
    d.message = builder.error_message();
    d.line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + offset, '\n'));
    d.column =
        static_cast<int>(offset - (line_start == std::string::npos ? 0 : line_start + 1)) + 1;
    c.errors.push_back(std::move(d));
  } else if (c.error_count() == errors_before) {
    c.Error("", "cannot parse the JSON");
  }
  return std::nullopt;
}

std::optional<std::string> ReadInputFile(const std::string& path, int64_t max_bytes,
                                         std::string_view what, Diagnostic* error) {
  namespace fs = std::filesystem;
  auto fail = [error](std::string message) -> std::optional<std::string> {
    *error = {"", std::move(message), 0, 0};
    return std::nullopt;
  };
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) return fail("no such file");
  if (!fs::is_regular_file(status)) return fail("not a regular file");
  const auto size = fs::file_size(path, ec);
  if (ec) return fail("cannot read the file: " + ec.message());
  if (size > static_cast<uintmax_t>(max_bytes)) {
    return fail("the file is " + FormatBytes(static_cast<int64_t>(size)) + "; " +
                std::string(what) + " may be at most " + FormatBytes(max_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  std::string text(static_cast<size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (!in || in.gcount() != static_cast<std::streamsize>(text.size())) {
    return fail("cannot read the file");
  }
  return text;
}

std::vector<std::string> SplitPointer(std::string_view pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  pointer.remove_prefix(1);  // leading "/"
  while (true) {
    const size_t slash = pointer.find('/');
    std::string token;
    const std::string_view raw = pointer.substr(0, slash);
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size()) {
        token += raw[i + 1] == '1' ? '/' : '~';
        ++i;
      } else {
        token += raw[i];
      }
    }
    tokens.push_back(std::move(token));
    if (slash == std::string_view::npos) break;
    pointer.remove_prefix(slash + 1);
  }
  return tokens;
}

const Json* FindPointer(const Json& root, std::string_view pointer) {
  const Json* node = &root;
  for (const std::string& token : SplitPointer(pointer)) {
    node = Child(*node, token).first;
    if (node == nullptr) return nullptr;
  }
  return node;
}

std::vector<int64_t> DocumentPosition(const Json& root, std::string_view pointer) {
  std::vector<int64_t> position;
  const Json* node = &root;
  for (const std::string& token : SplitPointer(pointer)) {
    if (node == nullptr) {
      position.push_back(-1);
      continue;
    }
    const auto [next, index] = Child(*node, token);
    position.push_back(index);
    node = next;
  }
  return position;
}

}  // namespace shardsim::loader

// Context and Describe. See diagnostics.h.
#include "models/spec/loader/diagnostics.h"

#include <utility>

namespace shardsim::loader {

void Context::Error(std::string pointer, std::string message) {
  problems.Insert(pointer);
  ErrorKeepingValue(std::move(pointer), std::move(message));
}

void Context::ErrorKeepingValue(std::string pointer, std::string message) {
  if (errors.size() >= kMaxErrors) {
    ++dropped_errors;
    return;
  }
  errors.push_back({std::move(pointer), std::move(message), 0, 0});
}

void Context::Feature(std::string pointer, std::string_view feature) {
  features.push_back({std::move(pointer), std::string(feature)});
}

std::vector<Diagnostic> Context::TakeErrors() {
  std::vector<Diagnostic> out = std::move(errors);
  errors.clear();
  if (dropped_errors > 0) {
    out.push_back(
        {"", "... and " + std::to_string(dropped_errors) + " more errors not shown", 0, 0});
  }
  return out;
}

std::string Describe(const Json& j) {
  switch (j.type()) {
    case Json::value_t::string:
      return Quote(j.get_ref<const std::string&>());
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::null:
      return "null";
    case Json::value_t::number_float:
      return ShortNumber(j.get<double>());
    default:
      return j.dump();
  }
}

}  // namespace shardsim::loader

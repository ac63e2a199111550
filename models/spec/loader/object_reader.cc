// ObjectReader. See object_reader.h.
#include "models/spec/loader/object_reader.h"

#include <algorithm>
#include <vector>

#include "sim/check.h"

namespace shardsim::loader {

ObjectReader::ObjectReader(Context& c, const Json& j, std::string pointer,
                           const ObjectTypeInfo& type)
    : c_(c), j_(j), pointer_(std::move(pointer)), type_(type) {
  if (!j.is_object()) c.Error(pointer_, "expected an object, got " + Describe(j));
}

const Json* ObjectReader::Find(std::string_view name) {
  const auto field = type_.fields.find(std::string(name));
  SHARDSIM_CHECK(field != type_.fields.end(), "loader reads a field its type table lacks");
  SHARDSIM_CHECK(!variant_ || field->second.empty() ||
                     std::count(field->second.begin(), field->second.end(), *variant_) > 0,
                 "loader reads a field outside its variant");
  if (!j_.is_object()) return nullptr;
  const auto it = j_.find(name);
  if (it == j_.end()) return nullptr;
  read_.insert(std::string(name));
  return &*it;
}

bool ObjectReader::Require(std::string_view name) {
  Find(name);  // checks the table
  if (!is_object() || Has(name)) return true;
  c_.Error(Pointer(name), "missing required field " + Quote(name));
  return false;
}

void ObjectReader::Object(std::string_view name,
                          const std::function<void(const Json&, Ptr)>& read) {
  if (const Json* v = Find(name)) read(*v, Pointer(name));
}

void ObjectReader::Array(std::string_view name, size_t min_items, size_t max_items,
                         const std::function<void(const Json&, Ptr, size_t)>& read) {
  const Json* v = Find(name);
  if (v == nullptr) return;
  const std::string p = Pointer(name);
  if (!v->is_array()) {
    c_.Error(p, "expected an array, got " + Describe(*v));
    return;
  }
  if (v->size() < min_items || v->size() > max_items) {
    c_.Error(p, min_items == 1 && v->empty()
                    ? std::string("must not be empty")
                    : "must have " + std::to_string(min_items) + " to " +
                          std::to_string(max_items) + " items, got " + std::to_string(v->size()));
    return;
  }
  for (size_t i = 0; i < v->size(); ++i) read((*v)[i], p + "/" + std::to_string(i), i);
}

void ObjectReader::ReportUnread() {
  if (!j_.is_object() || read_.size() == j_.size()) return;
  std::vector<std::string> known;  // names a typo may have meant
  for (const auto& [field, variants] : type_.fields) {
    if (variants.empty() || !variant_ ||
        std::count(variants.begin(), variants.end(), *variant_) > 0) {
      known.push_back(field);
    }
  }
  for (const auto& [key, value] : j_.items()) {
    if (read_.count(key) > 0) continue;
    const auto field = type_.fields.find(key);
    const std::string p = Pointer(key);
    if (field == type_.fields.end()) {
      std::string message = "unknown field " + Quote(key);
      if (auto close = ClosestName(key, known)) message += ", did you mean " + Quote(*close) + "?";
      c_.Error(p, message);
    } else if (!variant_) {
      continue;  // the discriminator is invalid and already reported
    } else {
      SHARDSIM_CHECK(!field->second.empty(), "loader forgot to read a field");
      std::string message = Quote(key) + " applies only to " + type_.discriminator + " " +
                            QuotedList(field->second) + ", not " + Quote(*variant_);
      if (default_variant_) message += " (the default " + type_.discriminator + ")";
      c_.Error(p, message);
    }
  }
}

}  // namespace shardsim::loader

// ObjectReader: reads one JSON object of a type described by an ObjectTypeInfo (any table: the
// scenario's, a price file's): typed Required/Optional fields, a discriminator selecting the
// variant, nested objects and arrays; and on destruction reports the fields nobody read --
// unknown ones with "did you mean", and known ones that do not apply to the selected variant
// with the variants they apply to. Reading a field the type lacks is a bug in the reader and
// aborts. Internal to the loader and other readers; one per object, on one thread.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/spec/loader/diagnostics.h"
#include "models/spec/loader/object_type.h"
#include "models/spec/loader/value_parsers.h"
#include "sim/check.h"

namespace shardsim::loader {

class ObjectReader {
 public:
  // Reports "expected an object" if `j` is not one; then every accessor finds nothing. `type`
  // must outlive the reader.
  ObjectReader(Context& c, const Json& j, std::string pointer, const ObjectTypeInfo& type);
  ObjectReader(const ObjectReader&) = delete;
  ObjectReader& operator=(const ObjectReader&) = delete;
  ~ObjectReader() { ReportUnread(); }

  bool is_object() const { return j_.is_object(); }
  const std::string& pointer() const { return pointer_; }
  std::string Pointer(std::string_view name) const { return pointer_ + "/" + PointerToken(name); }

  // The field's value, marked as read, or null if absent. REQUIRES: `name` is a field of the
  // type that applies to the current variant (a reader bug otherwise).
  const Json* Find(std::string_view name);
  bool Has(std::string_view name) const { return j_.is_object() && j_.contains(name); }

  // Parses a present field into `out`; true if present and parsed.
  template <typename T, typename U>
  bool Optional(std::string_view name, U* out, const Parser<T>& parse) {
    const Json* v = Find(name);
    if (v == nullptr) return false;
    std::optional<T> parsed = parse(c_, *v, Pointer(name));
    if (!parsed) return false;
    *out = std::move(*parsed);
    return true;
  }

  // Reports a missing field; true if present (or if this is not an object, already reported).
  bool Require(std::string_view name);

  template <typename T, typename U>
  bool Required(std::string_view name, U* out, const Parser<T>& parse) {
    return Require(name) && Optional(name, out, parse);
  }

  // The discriminator: selects the variant whose fields apply. With no default the field is
  // required. An invalid value leaves the variant unknown, so its fields are not reported.
  template <typename E>
  bool Discriminator(std::span<const EnumName<E>> table, E* out, bool required) {
    const std::string& name = type_.discriminator;
    SHARDSIM_CHECK(!name.empty(), "type has no discriminator");
    bool ok = required ? Required(name, out, Enum(table))
                       : (Optional(name, out, Enum(table)) || !Has(name));
    if (ok) {
      for (const auto& e : table) {
        if (e.value == *out) variant_ = std::string(e.name);
      }
    }
    default_variant_ = !Has(name);
    return ok;
  }
  template <NamedEnum E>
  bool Discriminator(E* out, bool required) {
    return Discriminator(NameTable<E>(), out, required);
  }

  // Calls `read(value, pointer)` for a present field.
  void Object(std::string_view name, const std::function<void(const Json&, Ptr)>& read);

  // Calls `read(item, pointer, index)` for each item of a present array field, if it has
  // min_items to max_items items (else reports that and reads none).
  void Array(std::string_view name, size_t min_items, size_t max_items,
             const std::function<void(const Json&, Ptr, size_t)>& read);

  // A present field that is an object of `type`: calls `read(reader)` with its reader.
  template <typename Read>
  void Nested(std::string_view name, const ObjectTypeInfo& type, Read read) {
    Object(name, [&](const Json& v, Ptr vp) {
      ObjectReader r(c_, v, vp, type);
      read(r);
    });
  }
  // A present array field of objects of `type` (as Array checks its length): each item is a T
  // filled by `read(reader, item)`, appended to *out.
  template <typename T, typename Read>
  void Objects(std::string_view name, size_t min_items, size_t max_items,
               const ObjectTypeInfo& type, std::vector<T>* out, Read read) {
    Array(name, min_items, max_items, [&](const Json& v, Ptr vp, size_t) {
      T item;
      ObjectReader r(c_, v, vp, type);
      read(r, item);
      out->push_back(std::move(item));
    });
  }

 private:
  void ReportUnread();

  Context& c_;
  const Json& j_;
  std::string pointer_;
  const ObjectTypeInfo& type_;
  std::optional<std::string> variant_;
  bool default_variant_ = false;
  std::set<std::string, std::less<>> read_;
};

}  // namespace shardsim::loader

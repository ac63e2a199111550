// ObjectTypeInfo: one object type of an input format, its discriminator and its fields with the
// variants they apply to. Tables of these drive the loader's ObjectReader and are compared with
// the format's JSON Schema by the tests. Plain value type.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace shardsim {

struct ObjectTypeInfo {
  std::string discriminator;                               // "" = no variants
  std::map<std::string, std::vector<std::string>> fields;  // name -> variants (empty = all)
};

}  // namespace shardsim

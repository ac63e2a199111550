// Compile-time tests of a field's type, shared by result.json's writer and reader (both walk the
// result structs field by field).
#pragma once

#include <optional>
#include <vector>

namespace shardsim {

template <class T>
inline constexpr bool kIsVector = false;
template <class T>
inline constexpr bool kIsVector<std::vector<T>> = true;
template <class T>
inline constexpr bool kIsOptional = false;
template <class T>
inline constexpr bool kIsOptional<std::optional<T>> = true;

}  // namespace shardsim

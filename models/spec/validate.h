// Validate: every range and cross-field rule of the scenario format, checked on the spec structs,
// so that a scenario changed in code (a --duration override, a planner grid point) is held to the
// same rules as one read from a file. The loader (models/spec/loader) calls it after reading; the
// reader itself checks only what is about the text: JSON types, units that parse, the spelling of
// names, regions, hash keys and partition keys, unknown and misplaced fields, required fields,
// duplicate keys and array lengths. Pure functions of their arguments; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/spec/diagnostic.h"
#include "models/spec/scenario.h"

namespace shardsim {

// What Validate may ask about the input a Scenario was read from. The default answers describe a
// scenario built in code: no problems, and values written as the structs hold them.
class ValidationInput {
 public:
  virtual ~ValidationInput() = default;

  // True if reading found a problem at `pointer`, above it (the object holding it) or below it
  // (inside its value). The value there is not what the input says, so Validate skips every rule
  // that reads it: a field that failed to read gets no second message.
  virtual bool HasProblem(std::string_view /*pointer*/) const { return false; }

  // Whether the input writes a value at `pointer` rather than leaving the default; nullopt if
  // not known, and the rule then guesses from the value. Some rules name the field that was set.
  virtual std::optional<bool> Written(std::string_view /*pointer*/) const { return std::nullopt; }

  // How the input writes the value at `pointer` (e.g. "\"720min\""), for the "got ..." of a
  // message; nullopt = the value in canonical units ("\"12h\"").
  virtual std::optional<std::string> Spelling(std::string_view /*pointer*/) const {
    return std::nullopt;
  }
};

// Every problem of `scenario`, each with the JSON pointer of the offending value (from indexes:
// "/producers/2/retry/max_attempts") and the message the loader prints for it. Problems come in
// the order of the format: top-level fields, stream, producers, consumers, goals, then the rules
// that relate producers, the stream and consumers. Empty = valid.
std::vector<Diagnostic> Validate(const Scenario& scenario);
std::vector<Diagnostic> Validate(const Scenario& scenario, const ValidationInput& input);

// The partition key of index `index`: every "{i}" in `format` replaced by the index.
std::string KeyOf(std::string_view format, int64_t index);

}  // namespace shardsim

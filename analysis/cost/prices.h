// Price files (scenarios/prices/*.json): region, currency, date and, per price dimension
// (models/spec/price_dimensions.h), a flat price or monthly tiers with its unit and source. Read
// with the scenario loader's machinery, so every problem is reported at once as
// "FILE: /json/pointer: rule" with "did you mean" for misspelt dimensions. The built-in table
// (us-east-1) is compiled in from scenarios/prices/aws-us-east-1.json. Stateless; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/cost/cost_model.h"
#include "models/spec/diagnostic.h"
#include "models/spec/scenario.h"

namespace shardsim {

struct PriceLoad {
  std::optional<PriceTable> table;  // set iff errors is empty
  std::vector<Diagnostic> errors;   // in document order
};

PriceLoad LoadPriceFile(const std::string& path);
// `display_name` becomes the table's `file`.
PriceLoad LoadPriceText(const std::string& text, const std::string& display_name);

// The price table built into shardsim for `region`, or nullopt when there is none.
std::optional<PriceTable> BuiltInPrices(const std::string& region);
// The built-in price file's text (for `shardsim prices` and tests).
const std::string& BuiltInPriceText();

// Replaces the price of each named dimension with a flat USD price per unit (a scenario's
// `pricing.overrides`; names were validated by the loader). The source says it was overridden.
void ApplyPriceOverrides(const std::map<std::string, double>& overrides, PriceTable* table);

// The prices a run of `scenario` is costed with: `prices_file` (the --prices option) when not
// empty, else the scenario's pricing.file, else the built-in table of the scenario's region; then
// the scenario's pricing.overrides. Without a table, `note` says why the run is not priced, and a
// cost objective (slos.max_monthly_cost_usd) is an error at its pointer. Problems of the
// scenario's pricing.file are reported at "/pricing/file" of the scenario (error_file empty).
struct PriceChoice {
  std::optional<PriceTable> table;
  std::vector<Diagnostic> errors;  // a price file that does not read, or an uncheckable objective
  std::string error_file;          // the file `errors` are about (the price file or the scenario)
  std::string note;                // why there is no table (set iff !table and errors is empty)
};
PriceChoice ResolvePrices(const Scenario& scenario, const std::string& prices_file);

}  // namespace shardsim

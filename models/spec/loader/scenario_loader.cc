// Scenario loader, the public API: a document is parsed (models/spec/loader/json_document.h),
// read part by part (scenario_readers.h), completed with contextual defaults and checked by
// Validate (models/spec/validate.h); then diagnostics and feature uses are put in document order.
// No state outside a call; thread-safe.
#include "models/spec/loader/scenario_loader.h"

#include <exception>
#include <filesystem>
#include <utility>

#include "models/spec/loader/json_document.h"
#include "models/spec/loader/scenario_readers.h"

namespace shardsim {
namespace {

constexpr int64_t kMaxFileBytes = 16 * kMiB;

}  // namespace

LoadResult LoadScenarioText(const std::string& text, const std::string& display_name,
                            const std::string& base_dir) {
  LoadResult result;
  result.file = display_name;
  loader::Context c;
  c.base_dir = base_dir;
  try {
    std::optional<loader::Json> root = loader::ParseDocument(text, c);
    if (root) {
      std::optional<Scenario> scenario = loader::ReadScenario(c, *root);
      if (c.error_count() == 0) result.scenario = std::move(scenario);
      loader::SortByDocumentOrder(*root, &c.errors);
      loader::SortByDocumentOrder(*root, &c.features);
    }
  } catch (const std::exception& e) {  // a bug, but callers were promised no exceptions
    result.scenario.reset();
    c.errors.push_back({"", std::string("internal error while loading: ") + e.what(), 0, 0});
  }
  result.errors = c.TakeErrors();
  result.features = std::move(c.features);
  return result;
}

LoadResult LoadScenarioFile(const std::string& path) {
  LoadResult result;
  result.file = path;
  Diagnostic error;
  const std::optional<std::string> text =
      loader::ReadInputFile(path, kMaxFileBytes, "a scenario", &error);
  if (!text) {
    result.errors.push_back(std::move(error));
    return result;
  }
  const std::string base_dir = std::filesystem::path(path).parent_path().string();
  return LoadScenarioText(*text, path, base_dir);
}

std::vector<Diagnostic> UnsupportedFeatures(const LoadResult& loaded,
                                            const std::set<std::string>& implemented) {
  std::vector<Diagnostic> out;
  for (const FeatureUse& use : loaded.features) {
    if (implemented.count(use.feature) == 0) {
      out.push_back({use.pointer, use.feature + " is not supported yet", 0, 0});
    }
  }
  return out;
}

std::map<std::string, ObjectTypeInfo> LoaderObjectTypes() { return loader::ScenarioObjectTypes(); }

}  // namespace shardsim

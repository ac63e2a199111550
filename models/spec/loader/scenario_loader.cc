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

constexpr int64_t kMaxFileBytes = 64 * kMiB;

// Reads the file at `path` (`what`: "a scenario") and hands its text to `load`; a file that cannot
// be read gives a result R naming `path` with the read error.
template <class R, class Load>
R LoadReadFile(const std::string& path, const char* what, Load load) {
  Diagnostic error;
  const std::optional<std::string> text = loader::ReadInputFile(path, kMaxFileBytes, what, &error);
  if (!text) {
    R result;
    result.file = path;
    result.errors.push_back(std::move(error));
    return result;
  }
  return load(*text);
}

}  // namespace

namespace {

// Reads the scenario of `root` into `result` (none when anything is wrong); diagnostics and
// features in document order.
void ReadScenarioOf(loader::Context& c, const loader::Json& root, LoadResult* result) {
  std::optional<Scenario> scenario = loader::ReadScenario(c, root);
  if (c.error_count() == 0) result->scenario = std::move(scenario);
  loader::SortByDocumentOrder(root, &c.errors);
  loader::SortByDocumentOrder(root, &c.features);
}

// A load of `display_name`: `read(c, &result)` with a fresh context, an exception (a bug, but
// callers were promised none) turned into an error, then the context's errors and features.
template <class Read>
LoadResult LoadGuarded(const std::string& display_name, const std::string& base_dir, Read read) {
  LoadResult result;
  result.file = display_name;
  loader::Context c;
  c.base_dir = base_dir;
  try {
    read(c, &result);
  } catch (const std::exception& e) {
    result.scenario.reset();
    c.errors.push_back({"", std::string("internal error while loading: ") + e.what(), 0, 0});
  }
  result.errors = c.TakeErrors();
  result.features = std::move(c.features);
  return result;
}

}  // namespace

LoadResult LoadScenarioText(const std::string& text, const std::string& display_name,
                            const std::string& base_dir) {
  return LoadGuarded(display_name, base_dir, [&](loader::Context& c, LoadResult* result) {
    std::optional<loader::Json> root = loader::ParseDocument(text, c);
    if (root) ReadScenarioOf(c, *root, result);
  });
}

namespace {

// Applies one override to `doc`; false with an error at the override's pointer if its parent is
// missing or not a container.
bool ApplyOverride(loader::Json& doc, const JsonOverride& o, loader::Context& c) {
  if (o.pointer.empty() || o.pointer[0] != '/') {
    c.Error("", "an override needs a JSON pointer starting with \"/\", got " + Quote(o.pointer));
    return false;
  }
  try {
    const loader::Json::json_pointer ptr(o.pointer);
    const loader::Json::json_pointer parent = ptr.parent_pointer();
    if (!doc.contains(parent)) {
      c.Error(o.pointer, "cannot set this value: " +
                             (parent.empty() ? std::string("the document") : parent.to_string()) +
                             " does not exist");
      return false;
    }
    loader::Json& container = doc[parent];
    const std::string& last = ptr.back();
    if (container.is_array()) {
      size_t index = 0;
      const bool numeric =
          !last.empty() && last.find_first_not_of("0123456789") == std::string::npos;
      if (numeric) index = std::stoul(last);
      if (!numeric || index > container.size() || (last.size() > 1 && last[0] == '0')) {
        c.Error(o.pointer, "cannot set this value: " + Quote(last) + " is not an index of " +
                               parent.to_string() + " (0.." + std::to_string(container.size()) +
                               ")");
        return false;
      }
      if (index == container.size()) {
        container.push_back(o.value);
      } else {
        container[index] = o.value;
      }
      return true;
    }
    if (!container.is_object()) {
      c.Error(o.pointer, "cannot set this value: " + parent.to_string() + " is not an object");
      return false;
    }
    container[last] = o.value;
    return true;
  } catch (const std::exception& e) {
    c.Error(o.pointer, std::string("cannot set this value: ") + e.what());
    return false;
  }
}

}  // namespace

LoadResult LoadScenarioJson(const nlohmann::ordered_json& document,
                            const std::vector<JsonOverride>& overrides,
                            const std::string& display_name, const std::string& base_dir) {
  return LoadGuarded(display_name, base_dir, [&](loader::Context& c, LoadResult* result) {
    loader::Json root = document;
    bool applied = true;
    for (const JsonOverride& o : overrides) applied = ApplyOverride(root, o, c) && applied;
    if (applied) ReadScenarioOf(c, root, result);
  });
}

LoadResult LoadScenarioFileWithOverrides(const std::string& path,
                                         const std::vector<JsonOverride>& overrides) {
  return LoadReadFile<LoadResult>(path, "a scenario", [&](const std::string& text) {
    loader::Context c;
    std::optional<loader::Json> root = loader::ParseDocument(text, c);
    if (!root) {
      LoadResult result;
      result.file = path;
      result.errors = c.TakeErrors();
      return result;
    }
    return LoadScenarioJson(*root, overrides, path,
                            std::filesystem::path(path).parent_path().string());
  });
}

LoadResult LoadScenarioFile(const std::string& path) {
  return LoadReadFile<LoadResult>(path, "a scenario", [&](const std::string& text) {
    return LoadScenarioText(text, path, std::filesystem::path(path).parent_path().string());
  });
}

OperationsLoadResult LoadOperationsText(const std::string& text, const std::string& display_name) {
  OperationsLoadResult result;
  result.file = display_name;
  loader::Context c;
  try {
    std::optional<loader::Json> root = loader::ParseDocument(text, c);
    if (root) {
      if (!root->is_array()) {
        c.Error("",
                "an operations file is a JSON array of operations, got " + loader::Describe(*root));
      } else {
        std::vector<ReshardSpec> ops;
        for (size_t i = 0; i < root->size(); ++i) {
          std::string pointer = "/";  // (not "/" + to_string: GCC 12 warns -Wrestrict wrongly)
          pointer += std::to_string(i);
          ops.push_back(loader::ReadOperation(c, (*root)[i], pointer, false));
        }
        if (c.error_count() == 0) result.operations = std::move(ops);
      }
      loader::SortByDocumentOrder(*root, &c.errors);
    }
  } catch (const std::exception& e) {  // a bug, but callers were promised no exceptions
    result.operations.clear();
    c.errors.push_back({"", std::string("internal error while loading: ") + e.what(), 0, 0});
  }
  result.errors = c.TakeErrors();
  return result;
}

OperationsLoadResult LoadOperationsFile(const std::string& path) {
  return LoadReadFile<OperationsLoadResult>(
      path, "an operations file",
      [&](const std::string& text) { return LoadOperationsText(text, path); });
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

// The rules between fields, on a scenario read from a document: contextual defaults first, then
// Validate with the document answering its questions (which values had read problems, which
// fields are written, how a value is spelt). See scenario_readers.h.
#include <algorithm>

#include "models/spec/loader/json_document.h"
#include "models/spec/loader/scenario_readers.h"
#include "models/spec/validate.h"

namespace shardsim::loader {
namespace {

class DocumentInput : public ValidationInput {
 public:
  DocumentInput(const Context& c, const Json& root) : c_(c), root_(root) {}

  bool HasProblem(std::string_view pointer) const override { return c_.HasProblem(pointer); }
  std::optional<bool> Written(std::string_view pointer) const override {
    return FindPointer(root_, pointer) != nullptr;
  }
  std::optional<std::string> Spelling(std::string_view pointer) const override {
    const Json* v = FindPointer(root_, pointer);
    if (v == nullptr) return std::nullopt;
    return Describe(*v);
  }

 private:
  const Context& c_;
  const Json& root_;
};

}  // namespace

void FillContextualDefaults(const Json& root, Scenario* s) {
  for (size_t i = 0; i < s->producers.size(); ++i) {
    ProducerSpec& p = s->producers[i];
    if (p.target.empty() || p.api.type != ApiType::kPutRecords ||
        p.api.max_batch_bytes <= kFirehoseBatchBytes) {
      continue;
    }
    const bool to_direct_put =
        std::any_of(s->consumers.begin(), s->consumers.end(), [&p](const ConsumerSpec& k) {
          return k.name == p.target && k.type == ConsumerType::kFirehose &&
                 k.firehose.source == FirehoseSource::kDirectPut;
        });
    const std::string written = "/producers/" + std::to_string(i) + "/api/max_batch_bytes";
    if (to_direct_put && FindPointer(root, written) == nullptr) {
      p.api.max_batch_bytes = kFirehoseBatchBytes;
    }
  }
}

void ValidateDocument(Context& c, const Json& root, const Scenario& s) {
  const std::vector<Diagnostic> problems = Validate(s, DocumentInput(c, root));
  for (const Diagnostic& d : problems) c.Error(d.pointer, d.message);
}

}  // namespace shardsim::loader

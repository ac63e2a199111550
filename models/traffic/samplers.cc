// Building the samplers: spec checks, the empirical size CSV, and the analytic means.
// Pure after construction; building reads the empirical file once.
#include "models/traffic/samplers.h"

#include <string>
#include <utility>

#include "models/spec/csv_reader.h"
#include "sim/check.h"

namespace shardsim {
namespace {

// Standard normal CDF.
double Phi(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

struct EmpiricalSizes {
  std::vector<int64_t> sizes;
  std::vector<double> weights;
};

Parsed<EmpiricalSizes> ReadEmpiricalSizes(const std::string& path) {
  Parsed<CsvTable> csv = ReadCsvFile(path, "size,weight");
  if (!csv.ok()) return Parsed<EmpiricalSizes>::Failure(csv.error);
  const CsvTable& table = *csv.value;
  int size_col = -1;
  int weight_col = -1;
  for (size_t i = 0; i < table.header.size(); ++i) {
    const std::string& name = table.header[i];
    int* col = name == "size" ? &size_col : name == "weight" ? &weight_col : nullptr;
    if (col == nullptr || *col >= 0) {
      return Parsed<EmpiricalSizes>::Failure(
          CsvError(path, table.header_line,
                   "expected the columns \"size\" and \"weight\" once each, got \"" + name + "\""));
    }
    *col = static_cast<int>(i);
  }
  if (size_col < 0 || weight_col < 0) {
    return Parsed<EmpiricalSizes>::Failure(
        CsvError(path, table.header_line,
                 "missing column \"" + std::string(size_col < 0 ? "size" : "weight") +
                     "\" (expected \"size,weight\")"));
  }
  EmpiricalSizes out;
  double total = 0;
  for (const CsvRow& row : table.rows) {
    const std::string& size_field = row.fields[static_cast<size_t>(size_col)];
    const std::string& weight_field = row.fields[static_cast<size_t>(weight_col)];
    const std::optional<int64_t> size = ParseCsvInteger(size_field);
    if (!size || *size < 0) {
      return Parsed<EmpiricalSizes>::Failure(CsvError(
          path, row.line,
          "expected a whole number of bytes >= 0 in column \"size\", got \"" + size_field + "\""));
    }
    if (*size > kLargestRecordBytes) {
      return Parsed<EmpiricalSizes>::Failure(
          CsvError(path, row.line,
                   "column \"size\" must be at most " + FormatBytes(kLargestRecordBytes) + " (" +
                       std::to_string(kLargestRecordBytes) +
                       " bytes, the largest record Kinesis accepts), got " + size_field));
    }
    const std::optional<double> weight = ParseCsvNumber(weight_field);
    if (!weight || *weight < 0) {
      return Parsed<EmpiricalSizes>::Failure(
          CsvError(path, row.line,
                   "expected a number >= 0 in column \"weight\", got \"" + weight_field + "\""));
    }
    out.sizes.push_back(*size);
    out.weights.push_back(*weight);
    total += *weight;
  }
  if (!(total > 0) || !std::isfinite(total)) {
    return Parsed<EmpiricalSizes>::Failure(path + ": the weights must have a positive, finite sum");
  }
  Parsed<EmpiricalSizes> parsed;
  parsed.value = std::move(out);
  return parsed;
}

}  // namespace

Parsed<SizeSampler> SizeSampler::FromSpec(const SizeSpec& spec) {
  SizeSampler s;
  s.dist_ = spec.dist;
  switch (spec.dist) {
    case SizeDist::kFixed:
      if (spec.size_bytes < 0)
        return Parsed<SizeSampler>::Failure("record_size.size_bytes must be >= 0");
      s.base_bytes_ = spec.size_bytes;
      s.mean_bytes_ = static_cast<double>(spec.size_bytes);
      s.max_bytes_ = spec.size_bytes;
      break;
    case SizeDist::kUniform:
      if (spec.min_bytes < 0 || spec.min_bytes > spec.max_bytes) {
        return Parsed<SizeSampler>::Failure(
            "record_size: uniform needs 0 <= min_bytes <= max_bytes");
      }
      s.base_bytes_ = spec.min_bytes;
      s.span_ = static_cast<uint64_t>(spec.max_bytes - spec.min_bytes) + 1;
      s.mean_bytes_ =
          0.5 * (static_cast<double>(spec.min_bytes) + static_cast<double>(spec.max_bytes));
      s.max_bytes_ = spec.max_bytes;
      break;
    case SizeDist::kLognormal: {
      if (spec.median_bytes <= 0 || spec.p99_bytes < spec.median_bytes) {
        return Parsed<SizeSampler>::Failure(
            "record_size: lognormal needs 0 < median_bytes <= p99_bytes");
      }
      if (spec.max_bytes < 0) {
        return Parsed<SizeSampler>::Failure("record_size.max_bytes must be >= 0 (0 = no cap)");
      }
      const LogNormal ln = LogNormal::FromMedianP99(static_cast<double>(spec.median_bytes),
                                                    static_cast<double>(spec.p99_bytes));
      s.mu_ = ln.mu();
      s.sigma_ = ln.sigma();
      if (spec.max_bytes > 0) {
        const double cap = static_cast<double>(spec.max_bytes);
        s.limit_bytes_ = cap;
        s.max_bytes_ = spec.max_bytes;
        // E[min(X, c)] = E[X; X < c] + c P(X >= c), both in closed form for a log-normal.
        if (s.sigma_ > 0) {
          const double z = (std::log(cap) - s.mu_) / s.sigma_;
          s.mean_bytes_ = ln.mean() * Phi(z - s.sigma_) + cap * (1.0 - Phi(z));
        } else {
          s.mean_bytes_ = std::min(ln.mean(), cap);
        }
      } else {
        // The largest double below 2^63, so that the conversion to int64 stays defined.
        s.limit_bytes_ = 0x1.fffffffffffffp62;
        s.max_bytes_ = std::numeric_limits<int64_t>::max();
        s.mean_bytes_ = ln.mean();
      }
      break;
    }
    case SizeDist::kEmpirical: {
      Parsed<EmpiricalSizes> sizes = ReadEmpiricalSizes(spec.file);
      if (!sizes.ok()) return Parsed<SizeSampler>::Failure(sizes.error);
      s.table_.emplace(sizes.value->weights);
      s.sizes_ = std::move(sizes.value->sizes);
      double mean = 0;
      for (size_t i = 0; i < s.sizes_.size(); ++i) {
        const double p = s.table_->Probability(i);
        mean += p * static_cast<double>(s.sizes_[i]);
        if (p > 0) s.max_bytes_ = std::max(s.max_bytes_, s.sizes_[i]);
      }
      s.mean_bytes_ = mean;
      break;
    }
  }
  Parsed<SizeSampler> out;
  out.value = std::move(s);
  return out;
}

LatencySampler::LatencySampler(const LatencySpec& spec) : dist_(spec.dist) {
  switch (spec.dist) {
    case LatencyDist::kFixed:
      SHARDSIM_CHECK(spec.value >= SimDuration::Zero(), "fixed latency must be >= 0");
      base_ns_ = spec.value.nanos();
      mean_ = spec.value;
      break;
    case LatencyDist::kUniform:
      SHARDSIM_CHECK(spec.min >= SimDuration::Zero() && spec.min <= spec.max,
                     "uniform latency needs 0 <= min <= max");
      base_ns_ = spec.min.nanos();
      span_ = static_cast<uint64_t>(spec.max.nanos() - spec.min.nanos()) + 1;
      // Halving before adding keeps min + max from overflowing; the +1 rounds .5 up.
      mean_ = SimDuration::Nanos(spec.min.nanos() / 2 + spec.max.nanos() / 2 +
                                 ((spec.min.nanos() % 2) + (spec.max.nanos() % 2) + 1) / 2);
      break;
    case LatencyDist::kExponential:
      SHARDSIM_CHECK(spec.mean > SimDuration::Zero(), "exponential latency needs mean > 0");
      scale_ = static_cast<double>(spec.mean.nanos());
      mean_ = spec.mean;
      break;
    case LatencyDist::kLognormal: {
      SHARDSIM_CHECK(spec.median > SimDuration::Zero() && spec.median <= spec.p99,
                     "lognormal latency needs 0 < median <= p99");
      const LogNormal ln = LogNormal::FromMedianP99(static_cast<double>(spec.median.nanos()),
                                                    static_cast<double>(spec.p99.nanos()));
      scale_ = ln.mu();
      sigma_ = ln.sigma();
      mean_ = SimDuration::Nanos(std::llround(std::min(ln.mean(), kLimitNs)));
      break;
    }
  }
}

ProcessingSampler::ProcessingSampler(const ProcessingSpec& spec)
    : per_batch_ns_(spec.per_batch.nanos()),
      per_record_ns_(spec.per_record.nanos()),
      per_mib_ns_(spec.per_mib.nanos()),
      lognormal_(spec.distribution == ProcessingDist::kLognormal) {
  SHARDSIM_CHECK(per_batch_ns_ >= 0 && per_record_ns_ >= 0 && per_mib_ns_ >= 0,
                 "processing times must be >= 0");
  if (lognormal_) {
    SHARDSIM_CHECK(std::isfinite(spec.p99_factor) && spec.p99_factor >= 1.0,
                   "processing p99_factor must be >= 1");
    sigma_ = std::log(spec.p99_factor) / LogNormal::kZ99;
  }
}

SimDuration ProcessingSampler::Mean(int64_t records, int64_t bytes) const {
  const double base = static_cast<double>(Base(records, bytes).nanos());
  return SimDuration::Nanos(std::llround(base * std::exp(0.5 * sigma_ * sigma_)));
}

}  // namespace shardsim

#include "sim/run/preflight.hpp"

#include "sim/util/checked.hpp"
#include "sim/util/memory.hpp"
#include "sim/workload/dataset.hpp"
#include "sim/workload/load_network.hpp"

namespace cimsim::run {

namespace {

// The largest activation a layer holds for one sample, in values: its input lowered to vectors
// (im2col: one vector per output pixel) or its output, whichever is larger. A batch holds at least
// this many per sample at once, whatever else the engines keep.
double largest_activation(const workload::Network& net) {
  double most = static_cast<double>(workload::element_count(net.input_shape));
  for (const auto& l : net.layers) {
    most = std::max(most, static_cast<double>(workload::element_count(l.out_shape)));
    if (l.is_matrix())
      most = std::max(most, static_cast<double>(l.vectors_per_sample()) * static_cast<double>(l.in_features()));
  }
  return most;
}

}  // namespace

void check_workload(const config::Config& c) {
  check_workload(c, workload::load_network(c.section("workload").text("network")));
}

void check_workload(const config::Config& c, const workload::Network& net) {
  const config::Params& wl = c.section("workload");
  const std::string& inputs = wl.text("inputs");
  std::int64_t samples = 0;
  if (!inputs.empty()) {
    if (wl.integer("synthetic_samples") > 0) wl.fail("synthetic_samples", "give either inputs or synthetic_samples");
    const workload::InputsHeader head = workload::inspect_inputs(inputs);
    workload::check_against(head.sample_shape, net, inputs);
    samples = head.samples;
    if (wl.integer("samples") > head.samples)
      wl.fail("samples", "asks for " + std::to_string(wl.integer("samples")) + " samples; " + inputs + " holds " +
                             std::to_string(head.samples));
    if (wl.integer("samples") > 0) samples = wl.integer("samples");
    if (!wl.text("labels").empty())
      workload::check_labels(wl.text("labels"), head.samples, inputs, workload::network_outputs(net));
  } else {
    if (wl.integer("synthetic_samples") == 0) wl.fail("inputs", "is required unless synthetic_samples is set");
    if (!wl.text("labels").empty()) wl.fail("labels", "synthetic inputs have no labels");
    samples = wl.integer("synthetic_samples");
    const auto values = util::checked_mul(workload::element_count(net.input_shape), samples);
    const std::string memory = values ? util::memory_problem(static_cast<double>(*values) * 4) : "overflows 64 bits";
    if (!memory.empty()) wl.fail("synthetic_samples", std::to_string(samples) + " samples of shape " +
                                                          workload::shape_text(net.input_shape) + " " + memory);
  }
  if (!wl.text("calibration_inputs").empty()) {
    const workload::InputsHeader head = workload::inspect_inputs(wl.text("calibration_inputs"));
    workload::check_against(head.sample_shape, net, wl.text("calibration_inputs"));
  }
  // One batch of the largest activation must fit, four bytes a value.
  const config::Params& run = c.section("run");
  const double batch = static_cast<double>(std::min<std::int64_t>(run.integer("batch_size"), samples));
  const std::string memory = util::memory_problem(batch * largest_activation(net) * 4);
  if (!memory.empty())
    run.fail("batch_size", "a batch of " + std::to_string(static_cast<long long>(batch)) + " samples through network '" +
                               net.name + "' " + memory);
}

}  // namespace cimsim::run
